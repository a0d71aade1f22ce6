// STUB: replace with the real op (owner writes this file).
#include "core/api/ops.h"

namespace rapport {

Result<Json> Op_rfm(OpContext& ctx) {
  return Status(StatusCode::kInvalidArgument, "op `rfm` is not implemented yet");
}

}  // namespace rapport
