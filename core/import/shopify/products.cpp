// The Shopify products export (Admin > Products > Export): one row per variant plus image-only rows,
// product-level columns on a product's first row only; four header generations (2024+ renames `Handle` to
// `URL handle`, `Variant SKU` to `SKU`, `Variant Price` to `Price`, ...). docs/formats/shopify.md
// ("Products export") describes it; columns are found by name once, in Begin().
#include "core/import/header.h"
#include "core/import/internal/common.h"
#include "core/util/text.h"

namespace rapport::import_internal {

namespace {

class ShopifyProductsImporter : public Importer {
 public:
  explicit ShopifyProductsImporter(const ImportOptions& options) : options_(options) {}

  Status Begin(const CsvRecord& first, const std::string& file_name, ImportBatch*) override {
    header_.Reset(first);
    columns_ = first.size();
    handle_ = header_.FindAny({"Handle", "URL handle"});
    title_ = header_.Find("Title");
    vendor_ = header_.Find("Vendor");
    category_ = header_.FindAny({"Type", "Custom Product Type", "Product Category", "Product category",
                                 "Standard Product Type", "Standardized Product Type"});
    sku_ = header_.FindAny({"Variant SKU", "SKU"});
    price_ = header_.FindAny({"Variant Price", "Price"});
    image_ = header_.FindAny({"Image Src", "Product image URL"});
    variant_image_ = header_.FindAny({"Variant Image", "Variant image URL"});
    for (int k = 0; k < 3; ++k) {
      const std::string value = "Option" + std::to_string(k + 1) + " Value";
      option_[k] = header_.Find(value);
    }
    if (handle_ < 0 || title_ < 0) {
      return InvalidArgument(file_name + ":" + std::to_string(first.line()) +
                             ":1: missing column `Handle` (or `URL handle`) or `Title`: a Shopify products export "
                             "has Handle, Title, Body (HTML), Vendor, ... (found " + header_.Preview(6) + ")");
    }
    return Status::Ok();
  }

  void OnRecord(const CsvRecord& r, ImportBatch* b) override {
    ++b->rows_read;
    if (r.size() != columns_) {
      AddIssue(b, r, -1, "", "ragged_row",
               "expected " + std::to_string(columns_) + " fields (as in the header), found " + std::to_string(r.size()),
               true);
      ++b->rows_rejected;
      return;
    }
    const std::string_view handle = TrimAscii(r[static_cast<size_t>(handle_)]);
    const std::string_view title = TrimAscii(r[static_cast<size_t>(title_)]);
    if (handle.empty() && title.empty()) {
      AddIssue(b, r, handle_, header_.Label(static_cast<size_t>(handle_)), "missing_product",
               "expected a product handle or title, found neither", true);
      ++b->rows_rejected;
      return;
    }
    if (handle != handle_value_ || !title.empty()) {
      // A product's first row: the product-level columns.
      if (handle != handle_value_) product_image_.clear();
      handle_value_.assign(handle.data(), handle.size());
      if (!title.empty()) title_value_.assign(title.data(), title.size());
      vendor_value_.assign(TrimAscii(Field(r, vendor_)));
      category_value_.assign(TrimAscii(Field(r, category_)));
    }
    const std::string_view image = TrimAscii(Field(r, image_));
    if (product_image_.empty() && !image.empty()) {
      // The first image of a product (image-only rows after the variants do not back-fill them).
      product_image_.assign(image.data(), image.size());
    }
    const std::string_view sku = StripExcelGuard(Field(r, sku_));
    const std::string_view price_text = TrimAscii(Field(r, price_));
    if (sku.empty() && price_text.empty()) {  // an image-only row: nothing else to take
      ++b->rows_accepted;
      return;
    }
    int64_t price = -1;
    if (!price_text.empty() && !ParseMoneyCents(price_text, &price, options_.decimal_separator)) {
      price = -1;
      AddIssue(b, r, price_, header_.Label(static_cast<size_t>(price_)), "bad_amount",
               "`" + header_.Label(static_cast<size_t>(price_)) + "`: expected a price like 24.99, found " +
                   Quoted(price_text) + "; the variant is kept without a price",
               false);
    }
    // "Title - Red / L", as Shopify names a variant on order lines; "Default Title" means no options.
    full_title_ = title_value_;
    bool first_option = true;
    for (int k = 0; k < 3; ++k) {
      const std::string_view value = TrimAscii(Field(r, option_[k]));
      if (value.empty() || value == "Default Title") continue;
      full_title_ += first_option ? " - " : " / ";
      full_title_.append(value.data(), value.size());
      first_option = false;
    }
    url_.assign("/products/").append(handle_value_);
    std::string_view variant_image = TrimAscii(Field(r, variant_image_));
    if (variant_image.empty()) variant_image = product_image_;
    ImportBatch::Products& p = b->products;
    p.sku.Append(sku);
    p.title.Append(full_title_);
    p.handle.Append(handle_value_);
    p.url.Append(url_);
    p.image_url.Append(variant_image);
    p.vendor.Append(vendor_value_);
    p.category.Append(category_value_);
    p.price_cents.push_back(price);
    ++b->rows_accepted;
  }

  Status End(ImportBatch*) override { return Status::Ok(); }

 private:
  ImportOptions options_;
  HeaderIndex header_;
  size_t columns_ = 0;
  int handle_ = -1, title_ = -1, vendor_ = -1, category_ = -1, sku_ = -1, price_ = -1, image_ = -1, variant_image_ = -1;
  int option_[3] = {-1, -1, -1};
  std::string handle_value_, title_value_, vendor_value_, category_value_, product_image_, full_title_, url_;
};

}  // namespace

int ShopifyProductsScore(const CsvRecord& header) {
  HeaderIndex h(header);
  if (h.FindAny({"Handle", "URL handle"}) < 0 || h.Find("Title") < 0 || h.FindAny({"Variant SKU", "SKU"}) < 0 ||
      h.FindAny({"Variant Price", "Price"}) < 0) {
    return 0;
  }
  int score = 50;
  for (const char* name : {"Body (HTML)", "Description", "Vendor", "Option1 Name", "Option1 name", "Image Src",
                           "Product image URL", "Variant Inventory Policy", "Gift Card", "Gift card"}) {
    if (h.Find(name) >= 0) score += 5;
  }
  return score;
}

std::unique_ptr<Importer> CreateShopifyProducts(const ImportOptions& options) {
  return std::make_unique<ShopifyProductsImporter>(options);
}

}  // namespace rapport::import_internal
