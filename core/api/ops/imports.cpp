// STUB: replace with the real op (owner writes this file).
#include "core/api/ops.h"

namespace rapport {

Result<Json> Op_imports(OpContext& ctx) {
  return Status(StatusCode::kInvalidArgument, "op `imports` is not implemented yet");
}

Result<Json> Op_import_issues(OpContext& ctx) {
  return Status(StatusCode::kInvalidArgument, "op `import_issues` is not implemented yet");
}

}  // namespace rapport
