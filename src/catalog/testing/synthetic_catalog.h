// A generator of realistic tile-shop catalogs of any size, for benchmarks and load tests:
// tiles of many brands/collections/formats/colours (with box areas, some discontinued, some out
// of stock), grouts in colours, adhesives and tools, priced like a Russian shop. Deterministic
// for a seed.
//
//   std::string csv = catalog::GenerateCatalogCsv(100000, 42);
//   catalog::ImportCatalogContent(db, csv, "synthetic.csv");
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "catalog/product.h"

namespace kira::catalog {

std::vector<Product> GenerateCatalog(size_t n, uint64_t seed);
// The same products as catalog CSV (header row, all columns, RFC 4180 quoting).
std::string GenerateCatalogCsv(size_t n, uint64_t seed);
// A distributor feed (sku,qty,lead_days) for about a third of the products.
std::string GenerateDistributorCsv(const std::vector<Product>& products, uint64_t seed);

}  // namespace kira::catalog
