// STUB: replace with the real op (owner writes this file).
#include "core/api/ops.h"

namespace rapport {

Result<Json> Op_settings_get(OpContext& ctx) {
  return Status(StatusCode::kInvalidArgument, "op `settings_get` is not implemented yet");
}

Result<Json> Op_settings_set(OpContext& ctx) {
  return Status(StatusCode::kInvalidArgument, "op `settings_set` is not implemented yet");
}

}  // namespace rapport
