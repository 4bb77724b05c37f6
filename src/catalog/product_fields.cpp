#include "catalog/product_fields.h"

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
  std::string t = text::Trim(in);
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
  return text::ParseDecimal(t, out);
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
