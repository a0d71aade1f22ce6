// STUB: replace with the real op (owner writes this file).
#include "core/api/ops.h"

namespace rapport {

Result<Json> Op_customer(OpContext& ctx) {
  return Status(StatusCode::kInvalidArgument, "op `customer` is not implemented yet");
}

Result<Json> Op_customer_search(OpContext& ctx) {
  return Status(StatusCode::kInvalidArgument, "op `customer_search` is not implemented yet");
}

}  // namespace rapport
