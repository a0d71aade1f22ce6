// Dialect detection: parse the sample with each candidate dialect and keep the one whose records have the
// most consistent number of fields (more than one).
//
// Score of a candidate = the share of sampled records that have its most common field count k >= 2 (0 when
// every record has one field). The explicit delimiters (comma, semicolon, tab, pipe) compete on that score,
// ties going to the larger k and then to the order listed. The whitespace-run dialect (CDNOW's fixed-width
// files) wins only when it scores at least 0.9 and beats every explicit delimiter: ordinary CSV text is
// full of spaces, so runs of spaces must earn their place.
#include <algorithm>
#include <array>
#include <cstdint>
#include <map>

#include "core/io/csv/internal/parser.h"

namespace rapport {
namespace csv_internal {

namespace {

constexpr size_t kMaxSampledRecords = 200;

struct Score {
  double share = 0;
  size_t fields = 0;
};

Score ScoreDialect(std::string_view sample, bool complete, const CsvDialect& dialect) {
  struct CountingSink : RecordSink {
    std::vector<size_t> counts;
    bool OnRecord(const CsvRecord& record) override {
      counts.push_back(record.size());
      return counts.size() < kMaxSampledRecords;
    }
  } sink;
  Parser parser("", dialect, sample.size() + 1, 0);
  Status status = parser.Parse(sample, &sink);
  // An incomplete sample's last record may be cut; use it only when it is the only one.
  if (status.ok() && (complete || sink.counts.empty())) status = parser.Finish(&sink);
  if (sink.counts.empty()) return {};
  std::map<size_t, size_t> frequency;
  for (size_t count : sink.counts) ++frequency[count];
  Score best;
  for (const auto& [fields, times] : frequency) {
    if (fields < 2) continue;
    const double share = static_cast<double>(times) / static_cast<double>(sink.counts.size());
    if (share > best.share || (share == best.share && fields > best.fields)) best = {share, fields};
  }
  return best;
}

}  // namespace

CsvDialect Sniff(std::string_view sample, bool complete) {
  if (sample.substr(0, 3) == "\xEF\xBB\xBF") sample.remove_prefix(3);
  CsvDialect best;  // comma: the answer for a single-column file too
  Score best_score;
  for (char delimiter : {',', ';', '\t', '|'}) {
    CsvDialect dialect;
    dialect.delimiter = delimiter;
    const Score score = ScoreDialect(sample, complete, dialect);
    if (score.share > best_score.share ||
        (score.share == best_score.share && score.share > 0 && score.fields > best_score.fields)) {
      best = dialect;
      best_score = score;
    }
  }
  CsvDialect runs;
  runs.delimiter = ' ';
  runs.whitespace_runs = true;
  const Score runs_score = ScoreDialect(sample, complete, runs);
  if (runs_score.share >= 0.9 && runs_score.share > best_score.share) best = runs;
  return best;
}

}  // namespace csv_internal

CsvDialect SniffDialect(std::string_view sample) { return csv_internal::Sniff(sample, /*complete=*/false); }

}  // namespace rapport
