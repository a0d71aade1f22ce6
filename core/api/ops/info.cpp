// STUB: replace with the real op (owner writes this file).
#include "core/api/ops.h"

namespace rapport {

Result<Json> Op_info(OpContext& ctx) {
  return Status(StatusCode::kInvalidArgument, "op `info` is not implemented yet");
}

}  // namespace rapport
