// STUB: replace with the real op (owner writes this file).
#include "core/api/ops.h"

namespace rapport {

Result<Json> Op_summary(OpContext& ctx) {
  return Status(StatusCode::kInvalidArgument, "op `summary` is not implemented yet");
}

Result<Json> Op_fit(OpContext& ctx) {
  return Status(StatusCode::kInvalidArgument, "op `fit` is not implemented yet");
}

Result<Json> Op_predictions(OpContext& ctx) {
  return Status(StatusCode::kInvalidArgument, "op `predictions` is not implemented yet");
}

Result<Json> Op_validation(OpContext& ctx) {
  return Status(StatusCode::kInvalidArgument, "op `validation` is not implemented yet");
}

}  // namespace rapport
