#include "catalog/product_fields.h"

#include <cctype>
#include <cmath>
#include <cstdio>

#include "core/text.h"

namespace kira::catalog {

namespace {

std::string NumText(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", v);
  return buf;
}

}  // namespace

bool ParseNumber(std::string_view in, double* out) {
  std::string t;
  t.reserve(in.size());
  for (size_t i = 0; i < in.size(); ++i) {
    // U+00A0 no-break space and U+202F narrow no-break space as thousands separators.
    if (in.compare(i, 2, "\xC2\xA0") == 0) {
      ++i;
    } else if (in.compare(i, 3, "\xE2\x80\xAF") == 0) {
      i += 2;
    } else {
      t += in[i];
    }
  }
  t = text::Trim(t);
  if (t.empty()) return false;
  // One decimal separator at most; "1,250.50" is ambiguous and refused.
  int seps = 0;
  for (char c : t) {
    if (c == '.' || c == ',')
      ++seps;
    else if (!(c >= '0' && c <= '9') && c != ' ' && c != '-' && c != '+')
      return false;
  }
  if (seps > 1) return false;
  auto v = text::ParseDecimal(t);
  if (!v.ok()) return false;
  *out = *v;
  return true;
}

bool CanonicalFormat(std::string_view in, std::string* out, std::string* why) {
  std::string s = text::Lower(text::Trim(in));
  out->clear();
  if (s.empty()) return true;
  // Replace the separators (Cyrillic х, ×, *) with 'x', drop spaces.
  std::string t;
  for (size_t i = 0; i < s.size();) {
    if (s.compare(i, 2, "х") == 0 || s.compare(i, 2, "×") == 0) {
      t += 'x';
      i += 2;
    } else if (s[i] == '*') {
      t += 'x';
      ++i;
    } else if (s[i] == ' ') {
      ++i;
    } else {
      t += s[i++];
    }
  }
  if (t.size() > 2 && t.compare(t.size() - 2, 2, "cm") == 0) t.resize(t.size() - 2);
  if (t.size() > 4 && t.compare(t.size() - 4, 4, "см") == 0) t.resize(t.size() - 4);
  size_t x = t.find('x');
  if (x == std::string::npos || t.find('x', x + 1) != std::string::npos) {
    *why = "'" + std::string(in) + "' is not a format like 60x60";
    return false;
  }
  double a = 0, b = 0;
  if (!ParseNumber(t.substr(0, x), &a) || !ParseNumber(t.substr(x + 1), &b) || a <= 0 || b <= 0 ||
      a > 1000 || b > 1000) {
    *why = "'" + std::string(in) + "' is not a format like 60x60 (two sizes in cm)";
    return false;
  }
  *out = NumText(a) + "x" + NumText(b);
  return true;
}

std::vector<std::string> FormatSides(std::string_view format) {
  size_t x = format.find('x');
  if (x == std::string_view::npos || x == 0 || x + 1 >= format.size()) return {};
  return {std::string(format.substr(0, x)), std::string(format.substr(x + 1))};
}

bool CanonicalUnit(std::string_view in, std::string* out) {
  std::string s = text::Lower(text::Trim(in));
  while (!s.empty() && s.back() == '.') s.pop_back();
  std::string t;  // without spaces and dots
  for (char c : s)
    if (c != ' ' && c != '.') t += c;
  if (t == "м2" || t == "m2" || t == "м²" || t == "m²" || t == "квм" || t == "кв.м" || t == "sqm" ||
      t == "мкв" || t == "квметр") {
    *out = "м2";
  } else if (t == "шт" || t == "штука" || t == "штук" || t == "pcs" || t == "pc" || t == "piece") {
    *out = "шт";
  } else if (t == "упак" || t == "уп" || t == "упаковка" || t == "pack" || t == "box" ||
             t == "коробка") {
    *out = "упак";
  } else if (t == "кг" || t == "kg") {
    *out = "кг";
  } else {
    return false;
  }
  return true;
}

bool CanonicalPack(std::string_view in, std::string* out, double* m2, std::string* why) {
  const std::string s = text::Lower(text::Trim(in));
  size_t i = 0;
  while (i < s.size() && (std::isdigit(static_cast<unsigned char>(s[i])) || s[i] == '.' ||
                          s[i] == ',' || s[i] == ' '))
    ++i;
  double v = 0;
  std::string unit = text::Trim(s.substr(i));
  while (!unit.empty() && unit.back() == '.') unit.pop_back();
  static const std::pair<const char*, const char*> kUnits[] = {
      {"кг", "кг"}, {"kg", "кг"}, {"г", "г"},     {"гр", "г"},    {"g", "г"},
      {"л", "л"},   {"l", "л"},   {"мл", "мл"},   {"ml", "мл"},   {"м", "м"},
      {"m", "м"},   {"шт", "шт"}, {"pcs", "шт"},  {"м2", "м2"},   {"м²", "м2"},
      {"m2", "м2"}, {"m²", "м2"}, {"кв.м", "м2"}, {"кв м", "м2"}, {"sqm", "м2"}};
  const char* canonical = nullptr;
  for (const auto& [spelling, c] : kUnits)
    if (unit == spelling) canonical = c;
  if (!canonical || !ParseNumber(s.substr(0, i), &v) || v <= 0 || v > 100000) {
    *why = "'" + std::string(in) +
           "' is neither a format like 60x60 (two sizes in cm) nor a pack size like 25 кг";
    return false;
  }
  *out = NumText(v) + " " + canonical;
  if (std::string_view(canonical) == "м2") *m2 = v;
  return true;
}

bool ParseStatus(std::string_view in, bool* discontinued) {
  std::string s = text::Lower(text::Trim(in));
  if (s.empty() || s == "active" || s == "активен" || s == "активный" || s == "в продаже") {
    *discontinued = false;
    return true;
  }
  if (s == "discontinued" || s == "снят" || s == "снят с производства" || s == "выведен" ||
      s == "снято с производства") {
    *discontinued = true;
    return true;
  }
  return false;
}

}  // namespace kira::catalog
