// Yandex Market YML parser (declared in importer.h; the field mapping is documented there).
#include <libxml/parser.h>
#include <libxml/tree.h>

#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "catalog/importer.h"
#include "catalog/product_fields.h"
#include "core/text.h"

namespace kira::catalog {

namespace {

struct CtxtFree {
  void operator()(xmlParserCtxt* c) const { xmlFreeParserCtxt(c); }
};
struct DocFree {
  void operator()(xmlDoc* d) const { xmlFreeDoc(d); }
};

bool Is(const xmlNode* n, const char* name) {
  return n && n->type == XML_ELEMENT_NODE &&
         xmlStrcmp(n->name, reinterpret_cast<const xmlChar*>(name)) == 0;
}

const xmlNode* Child(const xmlNode* n, const char* name) {
  for (const xmlNode* c = n ? n->children : nullptr; c; c = c->next)
    if (Is(c, name)) return c;
  return nullptr;
}

std::string Content(const xmlNode* n) {
  if (!n) return {};
  xmlChar* s = xmlNodeGetContent(n);
  std::string out = s ? reinterpret_cast<const char*>(s) : "";
  xmlFree(s);
  return text::Trim(out);
}

std::optional<std::string> Attr(const xmlNode* n, const char* name) {
  xmlChar* s = xmlGetProp(n, reinterpret_cast<const xmlChar*>(name));
  if (!s) return std::nullopt;
  std::string out = reinterpret_cast<const char*>(s);
  xmlFree(s);
  return text::Trim(out);
}

// The param names each field accepts, lower-case.
enum class ParamField {
  kFormat,
  kColor,
  kSurface,
  kCollection,
  kMaterial,
  kUnit,
  kBoxM2,
  kStatus,
  kNone
};

ParamField ParamKind(const std::string& raw) {
  static const std::unordered_map<std::string, ParamField> m = {
      {"формат", ParamField::kFormat},
      {"размер", ParamField::kFormat},
      {"format", ParamField::kFormat},
      {"size", ParamField::kFormat},
      {"цвет", ParamField::kColor},
      {"color", ParamField::kColor},
      {"colour", ParamField::kColor},
      {"поверхность", ParamField::kSurface},
      {"surface", ParamField::kSurface},
      {"коллекция", ParamField::kCollection},
      {"collection", ParamField::kCollection},
      {"материал", ParamField::kMaterial},
      {"material", ParamField::kMaterial},
      {"единица", ParamField::kUnit},
      {"единица измерения", ParamField::kUnit},
      {"unit", ParamField::kUnit},
      {"м2 в упаковке", ParamField::kBoxM2},
      {"площадь упаковки", ParamField::kBoxM2},
      {"box_m2", ParamField::kBoxM2},
      {"статус", ParamField::kStatus},
      {"status", ParamField::kStatus}};
  auto it = m.find(text::Lower(text::Trim(raw)));
  return it == m.end() ? ParamField::kNone : it->second;
}

}  // namespace

Result<std::vector<Product>> ParseCatalogYml(const std::string& content, ImportReport* report,
                                             const std::string& name) {
  ImportReport local;
  if (!report) report = &local;
  if (text::Trim(content).empty()) return Status::Invalid(name + ": the file is empty");
  std::unique_ptr<xmlParserCtxt, CtxtFree> ctxt(xmlNewParserCtxt());
  if (!ctxt) return Status::Internal("out of memory creating the XML parser");
  // No network, no external entities, no noise on stderr.
  std::unique_ptr<xmlDoc, DocFree> doc(
      xmlCtxtReadMemory(ctxt.get(), content.data(), static_cast<int>(content.size()), name.c_str(),
                        nullptr, XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING));
  if (!doc) {
    const xmlError* e = xmlCtxtGetLastError(ctxt.get());
    std::string msg = e && e->message ? text::Trim(e->message) : "unknown error";
    int line = e ? e->line : 0;
    return Status::Invalid(name + " line " + std::to_string(line) + ": broken XML: " + msg);
  }
  const xmlNode* root = xmlDocGetRootElement(doc.get());
  if (!Is(root, "yml_catalog")) {
    return Status::Invalid(name +
                           ": not a Yandex Market YML file (the root element must be "
                           "<yml_catalog>)");
  }
  const xmlNode* shop = Child(root, "shop");
  if (!shop) return Status::Invalid(name + ": <yml_catalog> has no <shop>");
  std::unordered_map<std::string, std::string> categories;
  const xmlNode* cats = Child(shop, "categories");
  for (const xmlNode* c = cats ? cats->children : nullptr; c; c = c->next) {
    if (!Is(c, "category")) continue;
    auto id = Attr(c, "id");
    std::string cname = Content(c);
    int line = static_cast<int>(xmlGetLineNo(c));
    if (!id || id->empty())
      return Status::Invalid(name + " line " + std::to_string(line) + ": a <category> without id");
    if (cname.empty())
      return Status::Invalid(name + " line " + std::to_string(line) + ": category " + *id +
                             " has no name");
    categories[*id] = cname;
  }
  const xmlNode* offers = Child(shop, "offers");
  if (!offers) return Status::Invalid(name + ": <shop> has no <offers>");
  std::vector<Product> out;
  std::unordered_set<std::string> seen;
  for (const xmlNode* o = offers->children; o; o = o->next) {
    if (!Is(o, "offer")) continue;
    auto id = Attr(o, "id");
    int line = static_cast<int>(xmlGetLineNo(o));
    if (!id || id->empty()) {
      return Status::Invalid(name + " line " + std::to_string(line) + ": an <offer> without id");
    }
    const std::string where = name + " offer " + *id + " (line " + std::to_string(line) + ")";
    if (!seen.insert(*id).second)
      return Status::Invalid(where + ": offer id '" + *id + "' appears twice");
    Product p;
    p.sku = *id;
    p.name = Content(Child(o, "name"));
    p.brand = Content(Child(o, "vendor"));
    if (p.name.empty()) {
      std::string model = Content(Child(o, "model"));
      if (!model.empty()) {
        std::string prefix = Content(Child(o, "typePrefix"));
        p.name = text::Trim(prefix + " " + p.brand + " " + model);
      }
    }
    if (p.name.empty()) return Status::Invalid(where + ", field name: missing <name>");
    std::string price = Content(Child(o, "price"));
    if (price.empty()) return Status::Invalid(where + ", field price: missing <price>");
    if (!ParseNumber(price, &p.price))
      return Status::Invalid(where + ", field price: '" + price + "' is not a number");
    if (p.price <= 0)
      return Status::Invalid(where + ", field price: '" + price + "' must be greater than 0");
    std::string cat_id = Content(Child(o, "categoryId"));
    if (cat_id.empty()) return Status::Invalid(where + ", field categoryId: missing <categoryId>");
    auto cat = categories.find(cat_id);
    if (cat == categories.end()) {
      return Status::Invalid(where + ", field categoryId: '" + cat_id +
                             "' is not a category listed in <categories>");
    }
    p.category = cat->second;
    std::string unit;
    for (const xmlNode* prm = o->children; prm; prm = prm->next) {
      if (!Is(prm, "param")) continue;
      std::string pname = Attr(prm, "name").value_or("");
      std::string v = Content(prm);
      std::string why;
      switch (ParamKind(pname)) {
        case ParamField::kFormat:
          if (!CanonicalFormat(v, &p.format, &why))
            return Status::Invalid(where + ", param " + pname + ": " + why);
          break;
        case ParamField::kColor:
          p.color = text::Lower(v);
          break;
        case ParamField::kSurface:
          p.surface = text::Lower(v);
          break;
        case ParamField::kCollection:
          p.collection = v;
          break;
        case ParamField::kMaterial:
          p.material = text::Lower(v);
          break;
        case ParamField::kUnit:
          if (!CanonicalUnit(v, &unit)) {
            return Status::Invalid(where + ", param " + pname + ": '" + v +
                                   "' is not a known unit (use м2, шт, упак or кг)");
          }
          break;
        case ParamField::kBoxM2: {
          double b = 0;
          if (!ParseNumber(v, &b) || b <= 0)
            return Status::Invalid(where + ", param " + pname + ": '" + v +
                                   "' is not a positive number");
          p.box_m2 = b;
          break;
        }
        case ParamField::kStatus:
          if (!ParseStatus(v, &p.discontinued)) {
            return Status::Invalid(where + ", param " + pname + ": '" + v +
                                   "' is not a status (use active or discontinued)");
          }
          break;
        case ParamField::kNone:
          break;
      }
    }
    p.unit = !unit.empty() ? unit : (p.box_m2 ? "м2" : "шт");
    bool available = true;
    if (auto a = Attr(o, "available")) {
      std::string av = text::Lower(*a);
      if (av == "false" || av == "0")
        available = false;
      else if (av != "true" && av != "1" && !av.empty())
        return Status::Invalid(where + ", field available: '" + *a + "' is not true or false");
    }
    const xmlNode* count = Child(o, "count");
    if (count) {
      std::string c = Content(count);
      if (!ParseNumber(c, &p.stock))
        return Status::Invalid(where + ", field count: '" + c + "' is not a number");
      if (p.stock < 0)
        return Status::Invalid(where + ", field count: '" + c + "' must not be negative");
    }
    if (!available) {
      if (p.stock > 0) {
        report->warnings.push_back(where + ": available=\"false\" but count is " + Content(count) +
                                   "; stock set to 0");
      }
      p.stock = 0;
    } else if (!count) {
      report->warnings.push_back(where + ": no <count>; stock set to 0");
    }
    out.push_back(std::move(p));
  }
  if (out.empty()) return Status::Invalid(name + ": no <offer> in <offers>");
  report->rows = out.size();
  return out;
}

}  // namespace kira::catalog
