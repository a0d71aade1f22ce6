// Shared by the WooCommerce importers: the opt-in name identity ("woocommerce-name:<name>", lower-cased,
// spaces collapsed) that lets an Analytics orders report join the Analytics customers report.
#pragma once

#include <string>
#include <string_view>

namespace rapport::import_internal {

// "" for an empty name.
void WooNameIdTo(std::string_view name, std::string* out);

}  // namespace rapport::import_internal
