#include "eval/shop.h"

#include <filesystem>

#include "catalog/catalog_store.h"
#include "catalog/importer.h"
#include "catalog/lexicon.h"
#include "core/text.h"
#include "eval/simulator.h"

namespace kira::eval {

Result<std::unique_ptr<Shop>> Shop::Open(const std::string& profile_path, ShopOptions o) {
  std::unique_ptr<Shop> s(new Shop);
  s->opts_ = std::move(o);
  KIRA_ASSIGN_OR_RETURN(s->profile_, business::LoadProfile(profile_path));
  s->name_ = std::filesystem::path(s->profile_.dir).filename().string();
  if (s->name_.empty() || s->name_ == ".") s->name_ = s->profile_.name;
  KIRA_ASSIGN_OR_RETURN(s->db_, storage::Db::Open(":memory:"));
  KIRA_RETURN_IF_ERROR(catalog::MigrateCatalog(*s->db_));
  auto imported = catalog::ImportShopDir(*s->db_, s->profile_.dir);
  if (!imported.ok()) return imported.status().WithContext("shop " + profile_path);
  KIRA_ASSIGN_OR_RETURN(catalog::Lexicon lex,
                        catalog::LoadShopLexicon(s->profile_.dir + "/lexicon.yaml"));
  KIRA_ASSIGN_OR_RETURN(catalog::Catalog c, catalog::LoadCatalog(*s->db_, std::move(lex)));
  s->catalog_ = std::make_shared<const catalog::Catalog>(std::move(c));
  s->clock_ = std::make_unique<FakeClock>(s->opts_.now);
  KIRA_ASSIGN_OR_RETURN(s->store_, crm::OpenSqliteCrmStore(":memory:"));
  KIRA_ASSIGN_OR_RETURN(s->engine_, s->NewEngine(s->store_.get()));
  s->checker_ = std::make_unique<dialog::GroundingChecker>(*s->catalog_, s->profile_);
  return s;
}

Result<std::unique_ptr<dialog::Engine>> Shop::NewEngine(crm::CrmStore* store) const {
  dialog::EngineOptions eo;
  eo.agents_dir = profile_.dir + "/agents";  // the shop's overrides, if any
  eo.defaults_dir = opts_.defaults_dir;
  eo.cache_dir = opts_.models_dir;
  eo.clock = clock_.get();
  eo.caller_zone = opts_.caller_zone;
  return dialog::Engine::Create(profile_, catalog_, store, eo);
}

Result<const dialog::AgentData*> Shop::Agent(const std::string& agent, const std::string& lang) {
  return engine_->Agent(agent, lang);
}

Result<ConversationRun> Shop::Converse(const CorpusFile& f, const ConversationSpec& c,
                                       const Hear& hear) {
  ConversationRun run;
  clock_->Set(opts_.now);
  KIRA_ASSIGN_OR_RETURN(auto store, crm::OpenSqliteCrmStore(":memory:"));
  KIRA_ASSIGN_OR_RETURN(auto engine, NewEngine(store.get()));
  dialog::SessionParams p;
  p.agent = f.agent;
  p.language = f.lang;
  p.caller = c.caller;
  dialog::GroundingContext ctx;
  KIRA_ASSIGN_OR_RETURN(const dialog::AgentData* agent_data, engine->Agent(f.agent, f.lang));
  ctx.line_separators = agent_data->phrases.List("order_line_separators");
  if (c.task) {
    // As `kira tasks assign` leaves it: a contact, a lead with its interest, a Vera task.
    crm::Contact contact;
    contact.phone = c.caller;
    KIRA_ASSIGN_OR_RETURN(int64_t cid, store->UpsertContact(contact));
    crm::Lead l;
    l.contact_id = cid;
    l.channel = "web";
    l.source = c.task->source;
    l.interest = c.task->interest;
    l.status = crm::LeadStatus::kVeraAssigned;
    KIRA_ASSIGN_OR_RETURN(int64_t lid, store->CreateLead(l));
    crm::Task t;
    t.lead_id = lid;
    t.kind = crm::TaskKind::kVeraCall;
    t.agent = "vera";
    t.phone = c.caller;
    t.note = c.task->note;
    KIRA_ASSIGN_OR_RETURN(p.task_id, store->CreateTask(t));
    if (!t.note.empty()) ctx.extra_texts.push_back(t.note);
  }
  KIRA_ASSIGN_OR_RETURN(auto session, engine->NewSession(p));

  Status failed = Status::Ok();
  auto said = [&](const dialog::Reply& r) {
    for (const std::string& u : r.say) {
      // Records created so far may be quoted (order and task numbers).
      ctx.record_ids.clear();
      auto orders = store->ListOrders();
      auto tasks = store->ListTasks();
      if (!orders.ok()) failed = orders.status();
      if (!tasks.ok()) failed = tasks.status();
      if (orders.ok())
        for (const auto& o : *orders) ctx.record_ids.push_back(o.id);
      if (tasks.ok())
        for (const auto& t : *tasks) ctx.record_ids.push_back(t.id);
      ++run.agent_utterances;
      run.transcript.push_back("agent:  " + u);
      auto issues = checker_->Check(u, ctx);
      if (!issues.empty()) {
        ++run.unsupported;
        for (const auto& i : issues)
          run.transcript.push_back("        ^ unsupported '" + i.fact + "': " + i.why);
      }
      ctx.agent_turns.push_back(u);
    }
    if (!r.transfer_to.empty())
      run.transcript.push_back("        (transfer to " + r.transfer_to + ")");
  };
  said(session->Start());
  CallerSimulator caller(c, f.lang);
  int turns = 0, unheard = 0;
  while (!session->ended()) {
    if (turns >= kMaxCallerTurns) {
      run.result.hit_turn_limit = true;
      break;
    }
    dialog::Expect pending = session->Pending();
    std::optional<std::string> line = caller.Next(pending);
    if (!line) {
      run.transcript.push_back("caller: (hangs up)");
      break;
    }
    KIRA_ASSIGN_OR_RETURN(std::string heard, hear(*line, turns, *session));
    ++turns;
    if (heard.empty()) {  // on the phone: nothing recognised, then the silence timer
      run.transcript.push_back("caller: (not recognised: " + *line + ")   [" +
                               std::string(dialog::ExpectName(pending)) + "]");
      said(session->OnSilence(++unheard));
      continue;
    }
    unheard = 0;
    run.transcript.push_back("caller: " + heard + "   [" +
                             std::string(dialog::ExpectName(pending)) + "]");
    ctx.caller_turns.push_back(heard);
    said(session->OnCallerText(heard));
  }
  KIRA_RETURN_IF_ERROR(failed);
  run.result.caller_turns = turns;
  run.result.end = session->Finish();
  if (run.result.end.lead_id) {
    KIRA_ASSIGN_OR_RETURN(run.result.orders, store->ListOrders(run.result.end.lead_id));
    auto lead = store->GetLead(run.result.end.lead_id);
    if (lead.ok() && lead->contact_id) {
      auto contact = store->GetContact(lead->contact_id);
      if (contact.ok()) run.result.contact_name = contact->name;
    }
  }
  std::string end = "end:    " + std::string(crm::OptionalName(run.result.end.outcome));
  if (run.result.end.reason) end += " / " + std::string(crm::Name(*run.result.end.reason));
  for (const auto& o : run.result.orders)
    for (const auto& l : o.lines) end += "; " + l.sku + " × " + text::FormatNumber(l.qty, false);
  run.transcript.push_back(end);
  return run;
}

}  // namespace kira::eval
