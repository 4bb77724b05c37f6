// Canonical forms of product fields, shared by every import path (CSV, YML, stock feeds): the
// tile format ("60 x 60", "60х60", "60*60" → "60x60"), the unit ("m2", "м²", "кв.м" → "м2"),
// the status and numbers with '.' or ',' decimals. Each returns false (and a reason) on input it
// does not understand, so the importer can name the line and field.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace kira::catalog {

// "60x60", "60 x 60", "60х60" (Cyrillic), "60*60", "60×60", "7,5x30" → "60x60", "7.5x30".
// Empty input gives "" (not a tile). Otherwise sides must be positive numbers.
bool CanonicalFormat(std::string_view in, std::string* out, std::string* why);

// The two sides of a canonical format: "60x120" → {"60", "120"}; {} for "" or a pack size.
std::vector<std::string> FormatSides(std::string_view format);

// Units the shop sells in: "м2", "шт", "упак", "кг". Accepted spellings (any case, optional
// trailing dot): м2 m2 м² m² кв.м кв м квм sqm; шт штука штук pcs pc piece; упак уп упаковка
// pack box коробка; кг kg.
bool CanonicalUnit(std::string_view in, std::string* out);

// A pack size in the format column of a product that is not a tile: "25 кг", "2 кг", "1,44 м2",
// "5 л", "310 мл", "20 kg" → "25 кг", "1.44 м2", "5 л", "310 мл", "20 кг" (the number, a space,
// the unit: кг г л мл м2 м шт). `*m2` is set when the unit is m² (a box or pack area).
bool CanonicalPack(std::string_view in, std::string* out, double* m2, std::string* why);

// "active" | "discontinued" (also "" → active, and the Russian "в продаже"/"активен" and
// "снят"/"снят с производства"/"выведен").
bool ParseStatus(std::string_view in, bool* discontinued);

// A decimal with '.' or ',' separator; spaces, no-break spaces and thin spaces are allowed as
// thousands separators ("1 234,50", what a Russian spreadsheet writes).
bool ParseNumber(std::string_view in, double* out);

}  // namespace kira::catalog
