#include "crm/phone.h"

namespace kira::crm {

std::string NormalizePhone(std::string_view phone) {
  while (!phone.empty() && phone.front() == ' ') phone.remove_prefix(1);
  if (phone.substr(0, 4) == "tel:") phone.remove_prefix(4);
  bool plus = false;
  bool seen_digit = false;
  std::string digits;
  for (char ch : phone) {
    if (ch >= '0' && ch <= '9') {
      digits.push_back(ch);
      seen_digit = true;
    } else if (ch == '+') {
      if (plus || seen_digit) return "";
      plus = true;
    } else if (ch != ' ' && ch != '-' && ch != '.' && ch != '(' && ch != ')' && ch != '\t') {
      return "";
    }
  }
  if (digits.size() < 3 || digits.size() > 15) return "";
  if (plus) return "+" + digits;
  if (digits.size() > 4 && digits.compare(0, 2, "00") == 0) return "+" + digits.substr(2);
  if (digits.size() > 11 && digits.compare(0, 3, "810") == 0) return "+" + digits.substr(3);
  if (digits.size() == 11 && (digits[0] == '8' || digits[0] == '7')) {
    return "+7" + digits.substr(1);
  }
  if (digits.size() == 10) return "+7" + digits;
  return digits;
}

}  // namespace kira::crm
