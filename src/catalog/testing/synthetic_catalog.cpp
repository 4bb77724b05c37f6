#include "catalog/testing/synthetic_catalog.h"

#include <cmath>
#include <cstdio>
#include <random>

namespace kira::catalog {

namespace {

const std::vector<std::pair<const char*, bool>> kBrands = {  // name, Cyrillic collections
    {"Kerama Marazzi", true},
    {"Italon", false},
    {"Estima", false},
    {"Cersanit", false},
    {"Gracia Ceramica", false},
    {"Laparet", false},
    {"Vitra", false},
    {"Atlas Concorde", false},
    {"Grasaro", false},
    {"Idalgo", false},
    {"Ametis", false},
    {"Уральский гранит", true},
    {"Шахтинская плитка", true},
    {"Azori", false},
    {"Alma Ceramica", false},
    {"Eletto Ceramica", false},
    {"Creto", false},
    {"New Trend", false}};

const char* kWordsLat[] = {
    "Monte",  "Tiberio",  "Marmo",     "Pietra",    "Terra",   "Bianco",     "Stone",    "Wood",
    "Loft",   "Rovere",   "Calacatta", "Statuario", "Onice",   "Travertino", "Cemento",  "Concrete",
    "Silk",   "Royal",    "Grande",    "Classic",   "Nordic",  "Oak",        "Ash",      "Slate",
    "Basalt", "Quarzite", "Ardesia",   "Fiori",     "Venezia", "Milano",     "Roma",     "Napoli",
    "Siena",  "Verona",   "Lucca",     "Como",      "Garda",   "Alpi",       "Dolomiti", "Etna",
    "Capri",  "Amalfi",   "Palermo",   "Torino",    "Genova",  "Parma",      "Urban",    "Metro",
    "Brick",  "Linea",    "Forma",     "Nova",      "Prime",   "Luxe",       "Vintage",  "Rustic"};
const char* kWordsCyr[] = {
    "Монте",   "Тиберио", "Мармо",     "Пьетра",    "Терра",   "Бьянко",     "Сити",     "Вуд",
    "Лофт",    "Ровере",  "Калакатта", "Статуарио", "Ониче",   "Травертино", "Чементо",  "Бетон",
    "Шелк",    "Роял",    "Гранде",    "Классик",   "Нордик",  "Дуб",        "Ясень",    "Сланец",
    "Базальт", "Кварцит", "Ардезия",   "Фьори",     "Венеция", "Милан",      "Рома",     "Неаполь",
    "Сиена",   "Верона",  "Лукка",     "Комо",      "Гарда",   "Альпы",      "Доломиты", "Этна",
    "Капри",   "Амальфи", "Палермо",   "Турин",     "Генуя",   "Парма",      "Урбан",    "Метро",
    "Кирпич",  "Линия",   "Форма",     "Нова",      "Прайм",   "Люкс",       "Винтаж",   "Рустик"};
const char* kColors[] = {"серый",   "светло-серый", "бежевый",        "белый",
                         "черный",  "коричневый",   "графит",         "синий",
                         "зеленый", "терракотовый", "слоновая кость", "антрацит"};
const char* kSurfaces[] = {"матовый",           "полированный", "лаппатированный",
                           "структурированный", "глянцевый",    "сатинированный"};
const char* kFloorFormats[] = {"60x60", "60x120", "120x120", "30x60", "20x120",
                               "40x40", "30x30",  "15x60",   "80x80", "120x240"};
const char* kWallFormats[] = {"20x60", "25x75", "30x90", "20x20", "7.5x30", "30x60", "10x10"};
const char* kGroutColors[] = {"белый",  "серый",    "светло-серый", "антрацит", "бежевый",
                              "багамы", "карамель", "черный",       "графит",   "жасмин"};

double BoxArea(const std::string& fmt) {
  double a = 0, b = 0;
  std::sscanf(fmt.c_str(), "%lfx%lf", &a, &b);
  double tile = a * b / 10000.0;
  int per_box = tile >= 1.4    ? 1
                : tile >= 0.7  ? 2
                : tile >= 0.36 ? 4
                               : std::max(4, int(1.44 / tile));
  return std::round(tile * per_box * 1000) / 1000;
}

std::string Quote(const std::string& s) {
  if (s.find_first_of(",\"\n") == std::string::npos) return s;
  std::string out = "\"";
  for (char c : s) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

std::string Num(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", v);
  return buf;
}

}  // namespace

std::vector<Product> GenerateCatalog(size_t n, uint64_t seed) {
  std::mt19937_64 rng(seed);
  auto pick = [&](size_t size) { return static_cast<size_t>(rng() % size); };
  auto chance = [&](double p) { return std::uniform_real_distribution<>(0, 1)(rng) < p; };
  std::vector<Product> out;
  out.reserve(n);
  const size_t nwords = sizeof(kWordsLat) / sizeof(kWordsLat[0]);
  size_t serial = 0;
  while (out.size() < n) {
    const double kind = std::uniform_real_distribution<>(0, 1)(rng);
    if (kind < 0.5) {  // about 9 in 10 items are tiles: a collection yields ~10
      // A collection: one brand, a name, a few colours, formats and surfaces.
      const auto& [brand, cyr] = kBrands[pick(kBrands.size())];
      size_t w1 = pick(nwords), w2 = pick(nwords);
      std::string coll = cyr ? std::string(kWordsCyr[w1]) + " " + kWordsCyr[w2]
                             : std::string(kWordsLat[w1]) + " " + kWordsLat[w2];
      const bool wall = chance(0.3);
      const std::string category = wall ? "Настенная плитка" : "Керамогранит";
      const std::string material = wall ? "керамика" : "керамогранит";
      const double base = wall ? 900 + pick(1800) : 1100 + pick(3500);
      const bool coll_discontinued = chance(0.08);
      size_t ncolors = 1 + pick(4), nformats = 1 + pick(3), nsurf = 1 + pick(2);
      for (size_t c = 0; c < ncolors && out.size() < n; ++c) {
        const char* color = kColors[pick(std::size(kColors))];
        for (size_t f = 0; f < nformats && out.size() < n; ++f) {
          std::string fmt = wall ? kWallFormats[pick(std::size(kWallFormats))]
                                 : kFloorFormats[pick(std::size(kFloorFormats))];
          for (size_t s = 0; s < nsurf && out.size() < n; ++s) {
            const char* surface = kSurfaces[pick(std::size(kSurfaces))];
            Product p;
            char sku[32];
            std::snprintf(sku, sizeof sku, "SY%07zu", ++serial);
            p.sku = sku;
            p.category = category;
            p.brand = brand;
            p.collection = coll;
            p.format = fmt;
            p.color = color;
            p.surface = surface;
            p.material = material;
            p.name = category + " " + brand + " " + coll + " " + color + " " + fmt + " " + surface;
            p.price = std::round(base * (1 + 0.1 * double(f)) * (s ? 1.15 : 1.0));
            p.unit = "м2";
            p.box_m2 = BoxArea(fmt);
            p.discontinued = coll_discontinued || chance(0.02);
            p.stock = (p.discontinued || chance(0.2)) ? 0 : std::round(5 + pick(400));
            out.push_back(std::move(p));
          }
        }
      }
    } else {
      Product p;
      char sku[32];
      std::snprintf(sku, sizeof sku, "SY%07zu", ++serial);
      p.sku = sku;
      const double k2 = std::uniform_real_distribution<>(0, 1)(rng);
      if (k2 < 0.5) {
        const char* color = kGroutColors[pick(std::size(kGroutColors))];
        const char* brands[] = {"Ceresit", "Litokol", "Mapei", "Kiilto", "Knauf"};
        p.brand = brands[pick(5)];
        p.category = "Затирка";
        p.color = color;
        p.material = chance(0.2) ? "эпоксидная" : "цементная";
        double kg = chance(0.5) ? 2 : 5;
        p.name = "Затирка " + p.brand + " " + std::to_string(serial % 97) + " " + color + " " +
                 Num(kg) + " кг";
        p.price = std::round(kg * (p.material == "эпоксидная" ? 900 : 150) + pick(300));
        p.unit = "шт";
      } else if (k2 < 0.8) {
        const char* brands[] = {"Ceresit", "Litokol", "Unis", "Knauf", "Волма", "Юнис"};
        p.brand = brands[pick(6)];
        p.category = "Клей для плитки";
        p.material = "цементная";
        p.name = "Клей для плитки " + p.brand + " " + std::to_string(serial % 89) + " 25 кг";
        p.price = 350 + pick(900);
        p.unit = "шт";
      } else {
        const char* tools[] = {
            "Крестики для плитки 2 мм", "СВП зажим 1 мм", "Шпатель зубчатый 8 мм",
            "Плиткорез ручной 600 мм",  "Клинья СВП",     "Губка для затирки",
            "Резиновый шпатель"};
        p.category = "Инструмент";
        p.brand = chance(0.5) ? "Vira" : "Зубр";
        p.name = std::string(tools[pick(std::size(tools))]) + " " + p.brand + " " +
                 std::to_string(serial % 53);
        p.price = 80 + pick(4000);
        p.unit = chance(0.5) ? "шт" : "упак";
      }
      p.stock = chance(0.15) ? 0 : 1 + pick(200);
      out.push_back(std::move(p));
    }
  }
  return out;
}

std::string GenerateCatalogCsv(size_t n, uint64_t seed) {
  std::string out =
      "sku,name,category,brand,collection,format,color,surface,material,price,unit,box_m2,"
      "stock,status\n";
  for (const Product& p : GenerateCatalog(n, seed)) {
    out += p.sku + ',' + Quote(p.name) + ',' + Quote(p.category) + ',' + Quote(p.brand) + ',' +
           Quote(p.collection) + ',' + p.format + ',' + Quote(p.color) + ',' + Quote(p.surface) +
           ',' + Quote(p.material) + ',' + Num(p.price) + ',' + p.unit + ',' +
           (p.box_m2 ? Num(*p.box_m2) : "") + ',' + Num(p.stock) + ',' +
           (p.discontinued ? "discontinued" : "active") + '\n';
  }
  return out;
}

std::string GenerateDistributorCsv(const std::vector<Product>& products, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::string out = "sku,qty,lead_days\n";
  for (const Product& p : products) {
    if (rng() % 3 != 0) continue;
    out += p.sku + ',' + std::to_string(rng() % 2000) + ',' + std::to_string(2 + rng() % 13) + '\n';
  }
  return out;
}

}  // namespace kira::catalog
