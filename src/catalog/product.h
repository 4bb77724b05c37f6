// A catalog item as the shop sells it, and the distributor's stock of it.
#pragma once

#include <optional>
#include <string>

namespace kira::catalog {

struct Product {
  std::string sku;       // unique
  std::string name;      // as the shop names it, spoken by the agent
  std::string category;  // e.g. "Керамогранит", "Затирка"
  std::string brand;
  std::string collection;
  std::string format;  // canonical "60x60" (cm), "" when not a tile
  std::string pack;    // a non-tile's pack size: "25 кг", "5 л", "1.44 м2"; "" when none
  std::string color;
  std::string surface;
  std::string material;
  double price = 0;              // RUB per unit
  std::string unit;              // "м2", "шт", "упак", "кг"
  std::optional<double> box_m2;  // m² per box, tiles only
  double stock = 0;              // quantity in `unit` at the shop
  bool discontinued = false;
};

struct DistributorStock {
  std::string sku;
  double qty = 0;
  int lead_days = 0;
};

}  // namespace kira::catalog
