// One importer for every customer-feedback file: support tickets (generic, Zendesk, Gorgias) and NPS
// surveys (generic, Delighted, Typeform). The files differ only in which header names hold the customer,
// the date, the score and the rest, so each platform is a FeedbackLayout (a table of names) and a header
// score; the row handling (identity, dates, 0-10 / 1-5 checks, keys, rejects) is written once, in
// internal/feedback.cpp. docs/formats/feedback.md describes the layouts and which columns are documented.
#pragma once

#include <memory>
#include <string_view>
#include <vector>

#include "core/import/header.h"
#include "core/import/importer.h"

namespace rapport::import_internal {

using Names = std::vector<std::string_view>;

struct FeedbackLayout {
  bool surveys = false;     // true: NPS answers (score 0..10); false: tickets (CSAT 1..5)
  const char* what = "";    // "a Zendesk tickets file", for messages
  // Key namespace of ids ("zendesk" -> "ticket:zendesk:<id>"); "" keeps "ticket:<id>" / "survey:<id>".
  const char* key_prefix = "";
  Names email, customer_id, date;
  Names score;              // surveys: the 0-10 answer; tickets: the CSAT score
  Names comment, id, status, channel;
  // Surveys: when no score name is found, the last column whose title contains "recommend" is the score
  // (Typeform names a column after the question's text).
  bool score_by_question = false;
  // All-digit dates of 9 or 10 digits are Unix seconds (Delighted's API-style export).
  bool unix_dates = false;
};

// The first of `names` present in the header, compared loosely (HeaderIndex::FindLoose); -1 when none.
int FindFirstLoose(const HeaderIndex& header, const Names& names);

// `layout` must outlive the importer (layouts are static tables).
std::unique_ptr<Importer> CreateFeedbackImporter(const FeedbackLayout& layout, const ImportOptions& options);

// The layouts, for the score functions and factories in core/import/{generic,zendesk,gorgias,delighted,typeform}.
const FeedbackLayout& GenericTicketsLayout();
const FeedbackLayout& GenericSurveysLayout();

}  // namespace rapport::import_internal
