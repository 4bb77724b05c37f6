// Yandex Market YML parser (declared in importer.h; the field mapping is documented there).
#include <libxml/parser.h>
#include <libxml/parserInternals.h>
#include <libxml/tree.h>

#include <cstdint>
#include <cstring>
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

// Text of elements and attributes, bounded and checked: each value at most max_field_bytes,
// all values together at most max_text_bytes, no control characters, no entity references
// (only the five predefined ones and character references, which the parser has already
// replaced). Errors are bare ("longer than …"); callers prefix the offer and field.
class TextReader {
 public:
  explicit TextReader(const ImportLimits& limits) : limits_(limits) {}

  // The trimmed text of n and its descendants ("" when n is null).
  Status Get(const xmlNode* n, std::string* out) {
    out->clear();
    if (n) KIRA_RETURN_IF_ERROR(Append(n, out, 0));
    return Finish(out);
  }

  Status Attr(const xmlNode* n, const char* name, std::optional<std::string>* out) {
    out->reset();
    const xmlAttr* a = xmlHasProp(n, reinterpret_cast<const xmlChar*>(name));
    if (!a) return Status::Ok();
    std::string v;
    for (const xmlNode* c = a->children; c; c = c->next) KIRA_RETURN_IF_ERROR(Append(c, &v, 0));
    KIRA_RETURN_IF_ERROR(Finish(&v));
    *out = std::move(v);
    return Status::Ok();
  }

 private:
  Status Append(const xmlNode* n, std::string* out, int depth) {
    if (n->type == XML_TEXT_NODE || n->type == XML_CDATA_SECTION_NODE) {
      const char* t = reinterpret_cast<const char*>(n->content);
      const size_t len = t ? std::strlen(t) : 0;
      if (out->size() + len > limits_.max_field_bytes) {
        return Status::Invalid("longer than " + GroupDigits(limits_.max_field_bytes) +
                               " bytes, the limit per field (max_field_bytes)");
      }
      total_ += len;
      if (total_ > limits_.max_text_bytes) {
        return Status::Invalid("the feed's text passes " + GroupDigits(limits_.max_text_bytes) +
                               " bytes, the limit per file (max_text_bytes)");
      }
      out->append(t ? t : "", len);
      return Status::Ok();
    }
    if (n->type == XML_ENTITY_REF_NODE) {
      return Status::Invalid("undefined entity &" +
                             std::string(reinterpret_cast<const char*>(n->name)) +
                             "; (write the character itself or a reference like &#160;)");
    }
    if (n->type == XML_ELEMENT_NODE && depth < 64) {
      for (const xmlNode* c = n->children; c; c = c->next)
        KIRA_RETURN_IF_ERROR(Append(c, out, depth + 1));
    }
    return Status::Ok();
  }

  Status Finish(std::string* out) {
    for (size_t i = 0; i < out->size(); ++i) {
      if ((*out)[i] == '\n' || (*out)[i] == '\r') continue;
      if (int cp = ControlAt(*out, i); cp >= 0)
        return Status::Invalid("control character " + ControlName(cp) + " (remove it)");
    }
    *out = text::Trim(*out);
    return Status::Ok();
  }

  const ImportLimits& limits_;
  size_t total_ = 0;
};

// Entity declarations stop the parse: a feed needs none, and expanding them is how a 65 KB
// file became a 250 MB product name (probe F1). The first one is remembered for the message.
struct EntityGuard {
  std::string name;
  int line = 0;
};

void RefuseEntityDecl(void* ctx, const xmlChar* name, int, const xmlChar*, const xmlChar*,
                      xmlChar*) {
  auto* ctxt = static_cast<xmlParserCtxt*>(ctx);
  auto* guard = static_cast<EntityGuard*>(ctxt->_private);
  if (guard && guard->name.empty()) {
    guard->name = name ? reinterpret_cast<const char*>(name) : "?";
    guard->line = ctxt->input ? ctxt->input->line : 0;
  }
  xmlStopParser(ctxt);
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
                                             const std::string& name, const ImportLimits& limits) {
  ImportReport local;
  if (!report) report = &local;
  if (text::Trim(content).empty()) return Status::Invalid(name + ": the file is empty");
  // libxml2 takes an int size, whatever the caller's limit.
  if (content.size() > limits.max_file_bytes || content.size() > INT32_MAX) {
    return Status::Invalid(name + ": the file is " + GroupDigits(content.size()) +
                           " bytes, over the limit of " + GroupDigits(limits.max_file_bytes) +
                           " (max_file_bytes)");
  }
  std::unique_ptr<xmlParserCtxt, CtxtFree> ctxt(
      xmlCreateMemoryParserCtxt(content.data(), static_cast<int>(content.size())));
  if (!ctxt) return Status::Internal("out of memory creating the XML parser");
  EntityGuard guard;
  ctxt->_private = &guard;
  ctxt->sax->entityDecl = RefuseEntityDecl;
  // No network, no DTD loading, no entity substitution (XML_PARSE_NOENT off), libxml2's own
  // size limits kept (XML_PARSE_HUGE off), no noise on stderr.
  xmlCtxtUseOptions(ctxt.get(), XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
  xmlParseDocument(ctxt.get());
  std::unique_ptr<xmlDoc, DocFree> doc(ctxt->myDoc);
  ctxt->myDoc = nullptr;
  if (!guard.name.empty()) {
    return Status::Invalid(name + " line " + std::to_string(guard.line) + ": entity declaration '" +
                           guard.name +
                           "' refused (a catalog feed needs no <!ENTITY>; write the text itself)");
  }
  if (!doc || !ctxt->wellFormed) {
    const xmlError* e = xmlCtxtGetLastError(ctxt.get());
    std::string msg = e && e->message ? text::Trim(e->message) : "unknown error";
    int line = e ? e->line : 0;
    return Status::Invalid(name + " line " + std::to_string(line) + ": broken XML: " + msg);
  }
  TextReader tr(limits);
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
    int line = static_cast<int>(xmlGetLineNo(c));
    const std::string at = name + " line " + std::to_string(line) + ", <category>: ";
    std::optional<std::string> id;
    std::string cname;
    if (Status st = tr.Attr(c, "id", &id); !st.ok()) return Status::Invalid(at + st.message());
    if (Status st = tr.Get(c, &cname); !st.ok()) return Status::Invalid(at + st.message());
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
    int line = static_cast<int>(xmlGetLineNo(o));
    if (out.size() >= limits.max_rows) {
      return Status::Invalid(name + " line " + std::to_string(line) + ": more than " +
                             GroupDigits(limits.max_rows) +
                             " offers, the limit per file (max_rows)");
    }
    std::optional<std::string> id;
    if (Status st = tr.Attr(o, "id", &id); !st.ok())
      return Status::Invalid(name + " line " + std::to_string(line) +
                             ", <offer> id: " + st.message());
    if (!id || id->empty()) {
      return Status::Invalid(name + " line " + std::to_string(line) + ": an <offer> without id");
    }
    const std::string where = name + " offer " + *id + " (line " + std::to_string(line) + ")";
    if (!seen.insert(*id).second)
      return Status::Invalid(where + ": offer id '" + *id + "' appears twice");
    // The text of child element `field` (first of that name), bounded and checked.
    auto get = [&](const char* field, std::string* v) -> Status {
      Status st = tr.Get(Child(o, field), v);
      return st.ok() ? st : Status::Invalid(where + ", field " + field + ": " + st.message());
    };
    Product p;
    p.sku = *id;
    KIRA_RETURN_IF_ERROR(get("name", &p.name));
    KIRA_RETURN_IF_ERROR(get("vendor", &p.brand));
    if (p.name.empty()) {
      std::string model;
      KIRA_RETURN_IF_ERROR(get("model", &model));
      if (!model.empty()) {
        std::string prefix;
        KIRA_RETURN_IF_ERROR(get("typePrefix", &prefix));
        p.name = text::Trim(prefix + " " + p.brand + " " + model);
      }
    }
    if (p.name.empty()) return Status::Invalid(where + ", field name: missing <name>");
    std::string price;
    KIRA_RETURN_IF_ERROR(get("price", &price));
    if (price.empty()) return Status::Invalid(where + ", field price: missing <price>");
    if (!ParseNumber(price, &p.price))
      return Status::Invalid(where + ", field price: '" + price + "' is not a number");
    if (p.price <= 0)
      return Status::Invalid(where + ", field price: '" + price + "' must be greater than 0");
    std::string cat_id;
    KIRA_RETURN_IF_ERROR(get("categoryId", &cat_id));
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
      std::optional<std::string> pattr;
      std::string v;
      Status st = tr.Attr(prm, "name", &pattr);
      if (st.ok()) st = tr.Get(prm, &v);
      const std::string pname = pattr.value_or("");
      if (!st.ok()) {
        return Status::Invalid(where + ", param " + pname.substr(0, 64) + " (line " +
                               std::to_string(xmlGetLineNo(prm)) + "): " + st.message());
      }
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
    std::optional<std::string> a;
    if (Status st = tr.Attr(o, "available", &a); !st.ok())
      return Status::Invalid(where + ", field available: " + st.message());
    if (a) {
      std::string av = text::Lower(*a);
      if (av == "false" || av == "0")
        available = false;
      else if (av != "true" && av != "1" && !av.empty())
        return Status::Invalid(where + ", field available: '" + *a + "' is not true or false");
    }
    const xmlNode* count = Child(o, "count");
    std::string c;
    if (count) {
      KIRA_RETURN_IF_ERROR(get("count", &c));
      if (!ParseNumber(c, &p.stock))
        return Status::Invalid(where + ", field count: '" + c + "' is not a number");
      if (p.stock < 0)
        return Status::Invalid(where + ", field count: '" + c + "' must not be negative");
    }
    if (!available) {
      if (p.stock > 0) {
        report->warnings.push_back(where + ": available=\"false\" but count is " + c +
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
