// STUB: replace with the real op (owner writes this file).
#include "core/api/ops.h"

namespace rapport {

Result<Json> Op_funnel(OpContext& ctx) {
  return Status(StatusCode::kInvalidArgument, "op `funnel` is not implemented yet");
}

Result<Json> Op_funnel_flow(OpContext& ctx) {
  return Status(StatusCode::kInvalidArgument, "op `funnel_flow` is not implemented yet");
}

}  // namespace rapport
