// The demo store's catalogue, names and places (see core/demo/internal/catalog.h, docs/demo-store.md).
#include "core/demo/internal/catalog.h"

namespace rapport::demo::internal {

const Category kCategories[] = {
    {"Dog Food", "Barkside Kitchen"},  {"Cat Food", "Whisker Works"},   {"Treats & Chews", "Paw Pantry"},
    {"Litter & Hygiene", "Tidy Tails"}, {"Toys", "Fetchcraft"},         {"Beds & Comfort", "Cozy Burrow"},
    {"Grooming", "Bright Coat Co."},    {"Home & Garden", "Meadow Home"}, {"Gift Cards", "Hearth & Hound"},
};
const size_t kCategoryCount = sizeof(kCategories) / sizeof(kCategories[0]);

constexpr Pet D = Pet::kDog, C = Pet::kCat, A = Pet::kAny;

// sku, title, category, pet, price, compare-at, cycle days, popularity, requires shipping, taxable
const Product kProducts[] = {
    {"DF-CHK-04", "Slow-Roasted Chicken Kibble - 4 lb", 0, D, 1899, 0, 21, 1.6, true, true},
    {"DF-CHK-12", "Slow-Roasted Chicken Kibble - 12 lb", 0, D, 4499, 0, 45, 1.4, true, true},
    {"DF-SAL-04", "Wild Salmon & Sweet Potato Kibble - 4 lb", 0, D, 2199, 0, 21, 1.2, true, true},
    {"DF-SAL-12", "Wild Salmon & Sweet Potato Kibble - 12 lb", 0, D, 5299, 0, 45, 1.0, true, true},
    {"DF-LMB-12", "Grass-Fed Lamb Stew Cans - 12 pack", 0, D, 3299, 0, 30, 0.9, true, true},
    {"DF-PUP-05", "Puppy Start Formula - 5 lb", 0, D, 2599, 0, 30, 0.8, true, true},
    {"DF-SNR-05", "Senior Joint Care Formula - 5 lb", 0, D, 2899, 3499, 30, 0.8, true, true},
    {"DF-TOP-16", "Bone Broth Meal Topper - 16 oz", 0, D, 1499, 0, 30, 1.0, true, true},
    {"CF-TUN-12", "Ocean Tuna Pâté - 12 cans", 1, C, 2199, 0, 21, 1.5, true, true},
    {"CF-CHK-12", "Chicken & Pumpkin Pâté - 12 cans", 1, C, 2099, 0, 21, 1.3, true, true},
    {"CF-KIB-03", "Indoor Cat Kibble - 3 lb", 1, C, 1699, 0, 30, 1.2, true, true},
    {"CF-KIB-10", "Indoor Cat Kibble - 10 lb", 1, C, 3999, 0, 45, 1.0, true, true},
    {"CF-KIT-03", "Kitten Growth Kibble - 3 lb", 1, C, 1799, 0, 30, 0.7, true, true},
    {"CF-FDM-02", "Freeze-Dried Minnows - 2 oz", 1, C, 999, 0, 21, 0.9, true, true},
    {"CF-HRB-01", "Hairball Relief Gel", 1, C, 1199, 0, 60, 0.6, true, true},
    {"TR-JRK-08", "Sweet Potato Jerky Chews - 8 oz", 2, D, 1299, 0, 21, 1.3, true, true},
    {"TR-BLY-06", "Bully Sticks - 6 pack", 2, D, 1899, 2299, 21, 1.2, true, true},
    {"TR-DEN-30", "Dental Twists - 30 count", 2, D, 2499, 0, 30, 1.1, true, true},
    {"TR-TRN-PB", "Training Bites - Peanut Butter", 2, D, 799, 0, 14, 1.4, true, true},
    {"TR-CAT-SA", "Crunchy Cat Treats - Salmon", 2, C, 599, 0, 14, 1.4, true, true},
    {"TR-YAK-03", "Himalayan Yak Cheese Chew - 3 pack", 2, D, 1599, 0, 30, 0.8, true, true},
    {"TR-BDY-01", "Birthday Pupcake Mix", 2, D, 1199, 0, 0, 0.4, true, true},
    {"TR-CAL-60", "Calming Hemp Chews - 60 ct", 2, A, 3299, 0, 30, 0.7, true, true},
    {"LH-CLM-20", "Clumping Clay Litter - 20 lb", 3, C, 1999, 0, 21, 1.4, true, true},
    {"LH-PIN-20", "Pine Pellet Litter - 20 lb", 3, C, 1799, 0, 28, 0.9, true, true},
    {"LH-TOF-06", "Tofu Litter - 6 L", 3, C, 1499, 0, 21, 0.8, true, true},
    {"LH-PAD-50", "Leak-Proof Training Pads - 50 ct", 3, D, 2799, 0, 30, 1.0, true, true},
    {"LH-BAG-12", "Compostable Waste Bags - 12 rolls", 3, D, 1299, 0, 45, 1.2, true, true},
    {"LH-ENZ-32", "Enzyme Stain & Odor Spray - 32 oz", 3, A, 1599, 0, 60, 0.9, true, true},
    {"LH-BOX-01", "Covered Litter Box", 3, C, 4999, 0, 0, 0.4, true, true},
    {"TY-ROP-01", "Braided Rope Tug", 4, D, 999, 0, 0, 1.0, true, true},
    {"TY-BAL-03", "Squeaky Tennis Balls - 3 pack", 4, D, 899, 0, 0, 1.1, true, true},
    {"TY-PUZ-02", "Treat Puzzle Feeder - Level 2", 4, A, 2499, 0, 0, 0.7, true, true},
    {"TY-WND-01", "Feather Wand Cat Teaser", 4, C, 799, 0, 0, 1.0, true, true},
    {"TY-NIP-02", "Organic Catnip Mice - 2 pack", 4, C, 699, 0, 0, 1.0, true, true},
    {"TY-FLY-01", "Glow Flyer Disc", 4, D, 1299, 0, 0, 0.6, true, true},
    {"TY-FOX-01", "Plush Fox with Crinkle Tail", 4, D, 1499, 1899, 0, 0.8, true, true},
    {"TY-TUN-01", "Collapsible Cat Tunnel", 4, C, 2199, 0, 0, 0.5, true, true},
    {"BC-DNT-M", "Donut Calming Bed - Medium", 5, A, 5999, 0, 0, 0.6, true, true},
    {"BC-DNT-L", "Donut Calming Bed - Large", 5, D, 7999, 0, 0, 0.5, true, true},
    {"BC-ORT-L", "Orthopedic Memory Foam Bed - Large", 5, D, 12900, 14900, 0, 0.3, true, true},
    {"BC-SHP-01", "Sherpa Throw Blanket", 5, A, 2999, 0, 0, 0.6, true, true},
    {"BC-WIN-01", "Window Perch Hammock", 5, C, 3499, 0, 0, 0.4, true, true},
    {"BC-CRT-M", "Crate Cover - Medium", 5, D, 3999, 0, 0, 0.3, true, true},
    {"BC-TRE-05", "Cat Tree Tower - 5 level", 5, C, 11900, 0, 0, 0.3, true, true},
    {"GR-SHM-16", "Oatmeal Soothing Shampoo - 16 oz", 6, A, 1499, 0, 45, 0.9, true, true},
    {"GR-CND-16", "Coconut Detangling Conditioner - 16 oz", 6, A, 1599, 0, 45, 0.6, true, true},
    {"GR-BRS-01", "Self-Cleaning Slicker Brush", 6, A, 1999, 0, 0, 0.8, true, true},
    {"GR-NAI-01", "Quiet Nail Grinder", 6, A, 3499, 0, 0, 0.5, true, true},
    {"GR-WIP-100", "Paw & Body Wipes - 100 ct", 6, A, 1099, 0, 30, 1.0, true, true},
    {"GR-EAR-04", "Gentle Ear Cleanser - 4 oz", 6, A, 1299, 0, 60, 0.6, true, true},
    {"GR-DNT-01", "Dental Care Kit", 6, A, 1799, 0, 0, 0.5, true, true},
    {"HG-CND-CD", "Pet Odor Soy Candle - Cedar", 7, A, 2499, 0, 60, 0.6, true, true},
    {"HG-MAT-01", "Silicone Food Mat", 7, A, 1599, 0, 0, 0.6, true, true},
    {"HG-BWL-02", "Stoneware Bowl Set - 2 pc", 7, A, 3499, 0, 0, 0.5, true, true},
    {"HG-FNT-01", "Ceramic Water Fountain", 7, C, 5499, 6499, 0, 0.4, true, true},
    {"HG-FLT-04", "Fountain Filters - 4 pack", 7, C, 1299, 0, 30, 0.7, true, true},
    {"HG-LNT-05", "Lint & Fur Roller Refills - 5 pack", 7, A, 999, 0, 45, 0.7, true, true},
    {"HG-SGN-01", "Personalised Door Sign", 7, A, 2999, 0, 0, 0.3, true, true},
    {"GC-025", "Hearth & Hound Gift Card - $25", 8, A, 2500, 0, 0, 0.15, false, false},
};
const size_t kProductCount = sizeof(kProducts) / sizeof(kProducts[0]);

// city, province code, province name, country, zip pattern, tax lines, weight
const Place kPlaces[] = {
    {"Brooklyn", "NY", "New York", "US", "112##", "New York State Tax 4%", 4000, "New York City Tax 4.5%", 4500, 9},
    {"Austin", "TX", "Texas", "US", "787##", "Texas State Tax 6.25%", 6250, "Austin City Tax 2%", 2000, 6},
    {"Portland", "OR", "Oregon", "US", "972##", "", 0, "", 0, 5},
    {"Denver", "CO", "Colorado", "US", "802##", "Colorado State Tax 2.9%", 2900, "Denver City Tax 4.81%", 4810, 5},
    {"Seattle", "WA", "Washington", "US", "981##", "Washington State Tax 6.5%", 6500, "Seattle City Tax 3.85%", 3850, 5},
    {"Columbus", "OH", "Ohio", "US", "432##", "Ohio State Tax 5.75%", 5750, "", 0, 4},
    {"Boston", "MA", "Massachusetts", "US", "021##", "Massachusetts State Tax 6.25%", 6250, "", 0, 5},
    {"Newark", "NJ", "New Jersey", "US", "071##", "New Jersey State Tax 6.625%", 6625, "", 0, 4},
    {"Atlanta", "GA", "Georgia", "US", "303##", "Georgia State Tax 4%", 4000, "Fulton County Tax 4.9%", 4900, 5},
    {"Chicago", "IL", "Illinois", "US", "606##", "Illinois State Tax 6.25%", 6250, "Chicago City Tax 1.25%", 1250, 7},
    {"Phoenix", "AZ", "Arizona", "US", "850##", "Arizona State Tax 5.6%", 5600, "", 0, 4},
    {"Minneapolis", "MN", "Minnesota", "US", "554##", "Minnesota State Tax 6.875%", 6875, "", 0, 3},
    {"Nashville", "TN", "Tennessee", "US", "372##", "Tennessee State Tax 7%", 7000, "Davidson County Tax 2.25%", 2250, 3},
    {"San Diego", "CA", "California", "US", "921##", "California State Tax 7.25%", 7250, "San Diego County Tax 0.5%", 500, 6},
    {"Los Angeles", "CA", "California", "US", "900##", "California State Tax 7.25%", 7250, "Los Angeles County Tax 2.25%", 2250, 8},
    {"Miami", "FL", "Florida", "US", "331##", "Florida State Tax 6%", 6000, "Miami-Dade County Tax 1%", 1000, 5},
    {"Burlington", "VT", "Vermont", "US", "054##", "Vermont State Tax 6%", 6000, "", 0, 1},
    {"Raleigh", "NC", "North Carolina", "US", "276##", "North Carolina State Tax 4.75%", 4750, "Wake County Tax 2.5%", 2500, 3},
    {"Madison", "WI", "Wisconsin", "US", "537##", "Wisconsin State Tax 5%", 5000, "Dane County Tax 0.5%", 500, 2},
    {"Wilmington", "DE", "Delaware", "US", "198##", "", 0, "", 0, 1},
    {"Toronto", "ON", "Ontario", "CA", "M5V #@#", "", 0, "", 0, 4},
    {"Vancouver", "BC", "British Columbia", "CA", "V6B #@#", "", 0, "", 0, 2.5},
    {"Montréal", "QC", "Quebec", "CA", "H2X #@#", "", 0, "", 0, 1.5},
    {"London", "ENG", "England", "GB", "SW# #@@", "", 0, "", 0, 2.5},
    {"Manchester", "ENG", "England", "GB", "M# #@@", "", 0, "", 0, 1},
    {"Edinburgh", "SCT", "Scotland", "GB", "EH# #@@", "", 0, "", 0, 0.5},
};
const size_t kPlaceCount = sizeof(kPlaces) / sizeof(kPlaces[0]);

const char* const kFirstNames[] = {
    "Avery", "Blair", "Casey", "Dana", "Elliot", "Frankie", "Gray", "Harper", "Indy", "Jordan", "Kai", "Logan",
    "Morgan", "Noa", "Oakley", "Parker", "Quinn", "Reese", "Sage", "Tatum", "Umi", "Val", "Wren", "Yael",
    "Zuri", "Ada", "Bruno", "Cleo", "Dario", "Esme", "Felix", "Greta", "Hugo", "Iris", "Juno", "Kofi",
    "Lena", "Milo", "Nina", "Otto", "Pia", "Ravi", "Sofia", "Theo", "Uma", "Vera", "Wim", "Zoë",
};
const size_t kFirstNameCount = sizeof(kFirstNames) / sizeof(kFirstNames[0]);

const char* const kLastNames[] = {
    "Abernathy", "Bellweather", "Castellan", "Dunmore", "Everly", "Fairbrook", "Galloway", "Hartwell",
    "Ingersol", "Juniper", "Kettering", "Larkspur", "Merriweather", "Northcott", "Oakhurst", "Pemberton",
    "Quillfeather", "Rosewood", "Stillwater", "Thistledown", "Underhill", "Vantablack", "Whitlock", "Yarrow",
    "Ashgrove", "Brightwater", "Coldspring", "Driftwood", "Elmstead", "Foxglove", "Greenhollow", "Hollis",
    "O'Malley-Finch", "Søndergaard", "Nakamura-Reyes", "Okonkwo", "Castillo", "Lindqvist", "Moreau", "Petrov",
};
const size_t kLastNameCount = sizeof(kLastNames) / sizeof(kLastNames[0]);

const char* const kStreets[] = {
    "Maple Ave", "Cedar Ln", "Willow St", "Harbor Rd", "Juniper Ct", "Lantern Way", "Orchard Blvd",
    "Foxglove Dr", "Meadow Pl", "Birch Hollow", "Quarry St", "Beacon Ter", "Kestrel Row", "Pinecone Rd",
};
const size_t kStreetCount = sizeof(kStreets) / sizeof(kStreets[0]);

const char* const kStaff[] = {"Robin Avery", "Sam Okafor", "Lee Marchetti", "Jess Lindgren"};
const size_t kStaffCount = sizeof(kStaff) / sizeof(kStaff[0]);

}  // namespace rapport::demo::internal
