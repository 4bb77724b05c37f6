#include "leads/export.h"

#include <unistd.h>
#include <xlsxwriter.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <unordered_map>

#include "core/clock.h"
#include "core/tz.h"

namespace kira::leads {
namespace {

// Excel refuses a cell longer than this; a longer transcript is cut with a note.
constexpr size_t kMaxCellChars = 32000;

struct Words {
  const char* key;
  const char* ru;
  const char* en;
};

// Column names and the values a reader should not have to decode, in both languages.
constexpr Words kWords[] = {
    {"id", "№", "ID"},
    {"lead", "Заявка", "Lead"},
    {"created", "Создана", "Created"},
    {"channel", "Канал", "Channel"},
    {"source", "Источник", "Source"},
    {"status", "Статус", "Status"},
    {"qualification", "Квалификация", "Qualification"},
    {"outcome", "Итог", "Outcome"},
    {"reason", "Причина", "Reason"},
    {"name", "Имя", "Name"},
    {"phone", "Телефон", "Phone"},
    {"interest", "Интерес", "Interest"},
    {"summary", "Кратко", "Summary"},
    {"manager", "Менеджер", "Manager"},
    {"order", "Заказ", "Order"},
    {"customer", "Покупатель", "Customer"},
    {"fulfilment", "Получение", "Fulfilment"},
    {"address", "Адрес", "Address"},
    {"sku", "Артикул", "SKU"},
    {"product", "Товар", "Product"},
    {"qty", "Количество", "Quantity"},
    {"unit", "Ед.", "Unit"},
    {"price", "Цена", "Price"},
    {"amount", "Сумма", "Amount"},
    {"total", "Итого по заказу", "Order total"},
    {"agent", "Агент", "Agent"},
    {"language", "Язык", "Language"},
    {"started", "Начало", "Started"},
    {"ended", "Конец", "Ended"},
    {"transcript", "Расшифровка", "Transcript"},
    {"speaker.agent", "Агент", "Agent"},
    {"speaker.caller", "Клиент", "Caller"},
    {"cut", "… (обрезано)", "… (cut)"},
    // Order statuses by their label keys (crm/outcome.h), and fulfilment.
    {"order_status.new", "новый", "new"},
    {"order_status.confirmed", "подтверждён", "confirmed"},
    {"order_status.paid", "оплачен", "paid"},
    {"order_status.shipped", "отгружен", "shipped"},
    {"order_status.picked_up", "получен", "picked up"},
    {"order_status.done", "выполнен", "done"},
    {"order_status.cancelled", "отменён", "cancelled"},
    {"fulfil.delivery", "доставка", "delivery"},
    {"fulfil.pickup", "самовывоз", "pickup"},
};

std::string Word(const std::string& key, const std::string& lang, const std::string& fallback) {
  for (const auto& w : kWords)
    if (key == w.key) return lang == "en" ? w.en : w.ru;
  return fallback;
}
std::string Word(const std::string& key, const std::string& lang) { return Word(key, lang, key); }

std::vector<std::string> Header(std::initializer_list<const char*> keys, const std::string& lang) {
  std::vector<std::string> out;
  for (const char* k : keys) out.push_back(Word(k, lang));
  return out;
}

class Times {
 public:
  explicit Times(std::shared_ptr<const TimeZone> z) : zone_(std::move(z)) {}
  Cell operator()(int64_t ms) const {
    if (ms == 0) return Cell::Text("");
    CivilTime c = ToCivil(*zone_, FromUnixMillis(ms));
    char buf[32];
    std::snprintf(buf, sizeof buf, "%04d-%02d-%02d %02d:%02d", c.year, c.month, c.day, c.hour,
                  c.minute);
    return Cell::Text(buf);
  }

 private:
  std::shared_ptr<const TimeZone> zone_;
};

std::string Clip(std::string s, const std::string& lang) {
  if (s.size() <= kMaxCellChars) return s;
  size_t cut = kMaxCellChars;
  while (cut > 0 && (static_cast<unsigned char>(s[cut]) & 0xC0) == 0x80) --cut;  // UTF-8 start
  s.resize(cut);
  return s + Word("cut", lang);
}

Status TooMany(const ExportRequest& r) {
  return Status::Invalid("the export would have more than " + std::to_string(r.max_rows) +
                         " rows; narrow the dates (from, to) or the filters");
}

// Every lead the filter selects, newest first, paging with the keyset.
Result<std::vector<crm::Lead>> SelectLeads(crm::CrmStore& store, const ExportRequest& r) {
  crm::LeadFilter f = r.filter;
  f.before_id = 0;
  std::vector<crm::Lead> out;
  for (;;) {
    f.limit = crm::kMaxLeadPage;
    KIRA_ASSIGN_OR_RETURN(auto page, store.ListLeads(f));
    if (page.empty()) break;
    f.before_id = page.back().id;
    out.insert(out.end(), page.begin(), page.end());
    if (out.size() > r.max_rows) return TooMany(r);
  }
  return out;
}

class Contacts {
 public:
  explicit Contacts(crm::CrmStore& s) : store_(s) {}
  const crm::Contact& Of(int64_t id) {
    auto it = cache_.find(id);
    if (it != cache_.end()) return it->second;
    crm::Contact c;
    if (id) {
      auto got = store_.GetContact(id);
      if (got.ok()) c = *got;
    }
    return cache_.emplace(id, c).first->second;
  }

 private:
  crm::CrmStore& store_;
  std::unordered_map<int64_t, crm::Contact> cache_;
};

Result<Table> LeadsTable(crm::CrmStore& store, const ExportRequest& r, const Times& at) {
  const std::string& L = r.language;
  Table t{"leads",
          Header({"id", "created", "channel", "source", "status", "qualification", "outcome",
                  "reason", "name", "phone", "interest", "summary", "manager"},
                 L),
          {}};
  KIRA_ASSIGN_OR_RETURN(auto leads, SelectLeads(store, r));
  Contacts contacts(store);
  for (const auto& l : leads) {
    const crm::Contact& c = contacts.Of(l.contact_id);
    t.rows.push_back({Cell::Number(static_cast<double>(l.id)), at(l.created_at),
                      Cell::Text(l.channel), Cell::Text(l.source),
                      Cell::Text(std::string(crm::Name(l.status))),
                      Cell::Text(std::string(crm::Name(l.qualification))),
                      Cell::Text(std::string(crm::OptionalName(l.outcome))),
                      Cell::Text(crm::StoredReason(l)), Cell::Text(c.name), Cell::Text(c.phone),
                      Cell::Text(l.interest), Cell::Text(l.summary), Cell::Text(l.assigned_to)});
  }
  return t;
}

bool FiltersLeads(const crm::LeadFilter& f) {
  return f.status || f.outcome || !crm::ReasonFilterName(f).empty() || !f.channel.empty() ||
         f.qualification || !f.assigned_to.empty() || f.contact_id != 0;
}

bool LeadMatches(const crm::LeadFilter& f, const crm::Lead& l) {
  auto eq = [](std::string_view want, std::string_view v) { return want.empty() || want == v; };
  // The reason as the stores compare it: the name in the lead's one reason column.
  return (!f.status || *f.status == l.status) && (!f.outcome || f.outcome == l.outcome) &&
         eq(crm::ReasonFilterName(f), crm::StoredReason(l)) && eq(f.channel, l.channel) &&
         (!f.qualification || *f.qualification == l.qualification) &&
         eq(f.assigned_to, l.assigned_to) && (f.contact_id == 0 || f.contact_id == l.contact_id);
}

Result<Table> OrdersTable(crm::CrmStore& store, const ExportRequest& r, const Times& at) {
  const std::string& L = r.language;
  std::optional<crm::OrderStatus> only;
  if (!r.order_status.empty()) {
    KIRA_ASSIGN_OR_RETURN(only,
                          crm::ParseNamed(crm::kOrderStatusTable, r.order_status, "order status"));
  }
  Table t{"orders",
          Header({"order", "created", "status", "lead", "customer", "phone", "fulfilment",
                  "address", "sku", "product", "qty", "unit", "price", "amount", "total"},
                 L),
          {}};
  Contacts contacts(store);
  std::unordered_map<int64_t, std::optional<crm::Lead>> leads;
  auto lead_of = [&](int64_t id) -> const std::optional<crm::Lead>& {
    auto it = leads.find(id);
    if (it != leads.end()) return it->second;
    auto l = store.GetLead(id);
    return leads.emplace(id, l.ok() ? std::optional<crm::Lead>(*l) : std::nullopt).first->second;
  };
  const crm::LeadFilter& f = r.filter;
  // The status and dates are the store's to select (CrmStore::ListOrderPage), newest first, a
  // page at a time; the lead's own filters are checked here.
  crm::OrderFilter page;
  page.status = only;
  page.from = f.from;
  page.to = f.to;
  page.limit = crm::kMaxOrderPage;
  for (;;) {
    KIRA_ASSIGN_OR_RETURN(crm::OrderPage got, store.ListOrderPage(page));
    for (const crm::Order& o : got.orders) {
      const auto& lead = lead_of(o.lead_id);
      if (FiltersLeads(f) && !(lead && LeadMatches(f, *lead))) continue;
      const crm::Contact& c = contacts.Of(lead ? lead->contact_id : 0);
      std::string name = o.customer_name.empty() ? c.name : o.customer_name;
      for (const auto& line : o.lines) {
        if (t.rows.size() >= r.max_rows) return TooMany(r);
        t.rows.push_back(
            {Cell::Number(static_cast<double>(o.id)), at(o.created_at),
             Cell::Text(Word(std::string(crm::Row(o.status).label_key), L,
                             std::string(crm::Name(o.status)))),
             Cell::Number(static_cast<double>(o.lead_id)), Cell::Text(name), Cell::Text(c.phone),
             Cell::Text(Word("fulfil." + o.fulfilment, L, o.fulfilment)), Cell::Text(o.address),
             Cell::Text(line.sku), Cell::Text(line.name), Cell::Number(line.qty),
             Cell::Text(line.unit), Cell::Number(line.price),
             Cell::Number(std::round(line.qty * line.price * 100) / 100), Cell::Number(o.total)});
      }
    }
    if (got.orders.size() < static_cast<size_t>(page.limit)) break;
    page.before_id = got.orders.back().id;
  }
  return t;
}

Result<Table> ConversationsTable(crm::CrmStore& store, const ExportRequest& r, const Times& at) {
  const std::string& L = r.language;
  Table t{"conversations",
          Header({"id", "lead", "phone", "agent", "channel", "language", "started", "ended",
                  "outcome", "reason", "summary", "transcript"},
                 L),
          {}};
  KIRA_ASSIGN_OR_RETURN(auto leads, SelectLeads(store, r));
  Contacts contacts(store);
  for (const auto& l : leads) {
    KIRA_ASSIGN_OR_RETURN(auto convs, store.ListConversations(l.id));
    for (const auto& c0 : convs) {
      if (t.rows.size() >= r.max_rows) return TooMany(r);
      KIRA_ASSIGN_OR_RETURN(crm::Conversation c, store.GetConversation(c0.id));
      std::string text;
      for (const auto& turn : c.turns)
        text += (text.empty() ? "" : "\n") + Word("speaker." + turn.speaker, L, turn.speaker) +
                ": " + turn.text;
      t.rows.push_back({Cell::Number(static_cast<double>(c.id)),
                        Cell::Number(static_cast<double>(l.id)),
                        Cell::Text(contacts.Of(l.contact_id).phone), Cell::Text(c.agent),
                        Cell::Text(c.channel), Cell::Text(c.language), at(c.started_at),
                        at(c.ended_at), Cell::Text(std::string(crm::OptionalName(c.outcome))),
                        Cell::Text(std::string(crm::OptionalName(c.reason))), Cell::Text(c.summary),
                        Cell::Text(Clip(text, L))});
    }
  }
  return t;
}

std::string CsvField(const Cell& c, char sep, bool decimal_comma) {
  std::string s = c.text;
  if (c.number) {
    if (decimal_comma)
      for (char& ch : s)
        if (ch == '.') ch = ',';
  } else {
    s = GuardFormula(s);
  }
  bool quote = s.find_first_of(std::string("\"\r\n") + sep) != std::string::npos;
  if (!quote) return s;
  std::string out = "\"";
  for (char ch : s) {
    if (ch == '"') out += '"';
    out += ch;
  }
  return out + "\"";
}

}  // namespace

Cell Cell::Number(double v) {
  char buf[64];
  if (v == std::floor(v) && std::fabs(v) < 1e15)
    std::snprintf(buf, sizeof buf, "%.0f", v);
  else
    std::snprintf(buf, sizeof buf, "%.15g", v);
  return {buf, v};
}

Result<ExportKind> ParseExportKind(const std::string& s) {
  if (s == "leads") return ExportKind::kLeads;
  if (s == "orders") return ExportKind::kOrders;
  if (s == "conversations") return ExportKind::kConversations;
  return Status::Invalid("export '" + s.substr(0, 40) +
                         "' is unknown (known: leads, orders, conversations)");
}

Result<ExportFormat> ParseExportFormat(const std::string& s) {
  if (s == "csv") return ExportFormat::kCsv;
  if (s == "xlsx") return ExportFormat::kXlsx;
  return Status::Invalid("format '" + s.substr(0, 40) + "' is unknown (known: csv, xlsx)");
}

const char* ExportKindName(ExportKind k) {
  switch (k) {
    case ExportKind::kLeads:
      return "leads";
    case ExportKind::kOrders:
      return "orders";
    case ExportKind::kConversations:
      return "conversations";
  }
  return "leads";
}

std::string GuardFormula(const std::string& s) {
  if (s.empty()) return s;
  // A phone number in E.164 ("+79161234567") is a number to a spreadsheet, never a formula.
  if (s[0] == '+' && s.size() >= 7 && s.size() <= 16 &&
      std::all_of(s.begin() + 1, s.end(), [](char c) { return c >= '0' && c <= '9'; }))
    return s;
  switch (s[0]) {
    case '=':
    case '+':
    case '-':
    case '@':
    case '\t':
    case '\r':
      return "'" + s;
  }
  return s;
}

Result<Table> BuildExport(crm::CrmStore& store, const ExportRequest& r) {
  if (r.language != "ru" && r.language != "en")
    return Status::Invalid("language must be ru or en, got '" + r.language.substr(0, 20) + "'");
  if (r.filter.from && r.filter.to && r.filter.to <= r.filter.from)
    return Status::Invalid("'to' must be after 'from'");
  KIRA_ASSIGN_OR_RETURN(auto zone, FindZone(r.timezone));
  Times at(zone);
  switch (r.kind) {
    case ExportKind::kLeads:
      return LeadsTable(store, r, at);
    case ExportKind::kOrders:
      return OrdersTable(store, r, at);
    case ExportKind::kConversations:
      return ConversationsTable(store, r, at);
  }
  return Status::Invalid("unknown export");
}

std::string ToCsv(const Table& t, const std::string& language) {
  const bool ru = language != "en";
  const char sep = ru ? ';' : ',';
  std::string out = "\xEF\xBB\xBF";  // UTF-8 byte-order mark: Excel reads the file as UTF-8
  auto line = [&](const std::vector<Cell>& cells) {
    for (size_t i = 0; i < cells.size(); ++i) {
      if (i) out += sep;
      out += CsvField(cells[i], sep, ru);
    }
    out += "\r\n";
  };
  std::vector<Cell> head;
  for (const auto& h : t.header) head.push_back(Cell::Text(h));
  line(head);
  for (const auto& row : t.rows) line(row);
  return out;
}

Status WriteXlsx(const Table& t, const std::string& path) {
  lxw_workbook_options opt = {};
  opt.constant_memory = LXW_TRUE;  // rows go to disk as they are written
  std::string tmp = std::filesystem::path(path).parent_path().string();
  if (tmp.empty()) tmp = ".";
  opt.tmpdir = tmp.data();
  lxw_workbook* wb = workbook_new_opt(path.c_str(), &opt);
  if (!wb) return Status::Io("cannot create " + path);
  lxw_worksheet* ws = workbook_add_worksheet(wb, t.name.c_str());
  lxw_format* bold = workbook_add_format(wb);
  format_set_bold(bold);
  lxw_error err = LXW_NO_ERROR;
  for (size_t c = 0; c < t.header.size() && !err; ++c)
    err = worksheet_write_string(ws, 0, static_cast<lxw_col_t>(c), t.header[c].c_str(), bold);
  for (size_t r = 0; r < t.rows.size() && !err; ++r) {
    const auto row = static_cast<lxw_row_t>(r + 1);
    for (size_t c = 0; c < t.rows[r].size() && !err; ++c) {
      const Cell& cell = t.rows[r][c];
      const auto col = static_cast<lxw_col_t>(c);
      if (cell.number)
        err = worksheet_write_number(ws, row, col, *cell.number, nullptr);
      else if (!cell.text.empty())  // write_string never makes a formula
        err = worksheet_write_string(ws, row, col, cell.text.c_str(), nullptr);
    }
  }
  if (!t.header.empty()) worksheet_freeze_panes(ws, 1, 0);
  lxw_error closed = workbook_close(wb);
  if (err) return Status::Io("writing " + path + ": " + lxw_strerror(err));
  if (closed) return Status::Io("writing " + path + ": " + lxw_strerror(closed));
  return Status::Ok();
}

Result<std::string> XlsxBytes(const Table& t, const std::string& tmp_dir) {
  static std::atomic<unsigned> counter{0};
  std::string path = tmp_dir + "/kira-export-" + std::to_string(::getpid()) + "-" +
                     std::to_string(counter++) + ".xlsx";
  Status s = WriteXlsx(t, path);
  std::string bytes;
  if (s.ok()) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    bytes = ss.str();
    if (!in) s = Status::Io("cannot read back " + path);
  }
  std::error_code ec;
  std::filesystem::remove(path, ec);
  if (!s.ok()) return s;
  return bytes;
}

}  // namespace kira::leads
