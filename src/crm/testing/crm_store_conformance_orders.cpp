// Conformance suite, part 6: CrmStore::ListOrderPage (the orders list, filtered, counted and
// paged by the store) against a plain computation over every order ListOrders gives.
#include <algorithm>

#include "crm/testing/crm_store_conformance.h"

namespace kira::crm {
namespace {

constexpr int64_t kT0 = 1764400000000;  // 2025-11-29
constexpr int64_t kMin = 60000;

// The orders a filter selects the slow way: every order, newest first, kept one by one.
std::vector<Order> Plain(CrmStore& s, const OrderFilter& f) {
  auto all = s.ListOrders(0);
  EXPECT_TRUE(all.ok());
  std::vector<Order> out;
  if (!all.ok()) return out;
  for (auto it = all->rbegin(); it != all->rend(); ++it) {
    if (f.status && it->status != *f.status) continue;
    if (f.lead_id && it->lead_id != f.lead_id) continue;
    if ((f.from && it->created_at < f.from) || (f.to && it->created_at >= f.to)) continue;
    out.push_back(*it);
  }
  return out;
}

std::string Describe(const OrderFilter& f) {
  return "status=" + std::string(f.status ? Name(*f.status) : "any") +
         " lead=" + std::to_string(f.lead_id) + " from=" + std::to_string(f.from) +
         " to=" + std::to_string(f.to) + " limit=" + std::to_string(f.limit);
}

TEST_P(CrmStoreConformance, OrderPagesMatchAPlainComputation) {
  const int64_t leads[] = {NewLead("phone"), NewLead("chat"), NewLead("phone")};
  // 45 orders every 7 minutes, over three leads, one to three lines each, moved to statuses
  // spread over the whole table (some never move: "new").
  for (int i = 0; i < 45; ++i) {
    Order o;
    o.lead_id = leads[i % 3];
    o.fulfilment = i % 2 ? "delivery" : "pickup";
    o.customer_name = "Покупатель " + std::to_string(i);
    o.created_at = kT0 + i * 7 * kMin;
    for (int k = 0; k <= i % 3; ++k) {
      OrderLine l;
      l.sku = "SKU-" + std::to_string(i) + "-" + std::to_string(k);
      l.name = "Товар";
      l.qty = 1 + k;
      l.unit = "шт";
      l.price = 100 + i;
      o.lines.push_back(l);
    }
    auto id = store().CreateOrder(o);
    ASSERT_TRUE(id.ok()) << id.status().ToString();
    const auto& row = kOrderStatusTable[(i * 5) % std::size(kOrderStatusTable)];
    if (row.id != OrderStatus::kNew) ASSERT_TRUE(store().UpdateOrderStatus(*id, row.id).ok());
  }

  std::vector<std::optional<OrderStatus>> statuses = {std::nullopt};
  for (const auto& r : kOrderStatusTable) statuses.push_back(r.id);
  std::vector<OrderFilter> filters;
  for (const auto& st : statuses)
    for (int64_t lead : {int64_t{0}, leads[1]})
      for (auto [from, to] : {std::pair<int64_t, int64_t>{0, 0},
                              {kT0 + 70 * kMin, kT0 + 210 * kMin},  // both ends on an order
                              {kT0 + 71 * kMin, 0}}) {
        OrderFilter f;
        f.status = st;
        f.lead_id = lead;
        f.from = from;
        f.to = to;
        f.limit = 4;
        filters.push_back(f);
      }
  OrderFilter one;  // one at a time, and all at once
  one.limit = 1;
  filters.push_back(one);
  one.limit = kMaxOrderPage;
  filters.push_back(one);

  int nonempty = 0;
  for (OrderFilter f : filters) {
    SCOPED_TRACE(Describe(f));
    const std::vector<Order> want = Plain(store(), f);
    if (!want.empty()) ++nonempty;
    std::vector<Order> got;
    for (int pages = 0; pages <= 50; ++pages) {
      auto page = store().ListOrderPage(f);
      ASSERT_TRUE(page.ok()) << page.status().ToString();
      EXPECT_EQ(page->total, static_cast<int64_t>(want.size()));
      ASSERT_LE(page->orders.size(), static_cast<size_t>(f.limit));
      got.insert(got.end(), page->orders.begin(), page->orders.end());
      if (page->orders.size() < static_cast<size_t>(f.limit)) break;
      f.before_id = page->orders.back().id;
    }
    ASSERT_EQ(got.size(), want.size());
    for (size_t i = 0; i < want.size(); ++i) {
      EXPECT_EQ(got[i].id, want[i].id);
      EXPECT_EQ(got[i].status, want[i].status);
      EXPECT_EQ(got[i].customer_name, want[i].customer_name);
      EXPECT_EQ(got[i].created_at, want[i].created_at);
      ASSERT_EQ(got[i].lines.size(), want[i].lines.size()) << "order " << want[i].id;
      for (size_t k = 0; k < want[i].lines.size(); ++k)
        EXPECT_EQ(got[i].lines[k].sku, want[i].lines[k].sku);
    }
  }
  EXPECT_GT(nonempty, 20) << "the filters select something";

  OrderFilter bad;
  bad.limit = 0;
  EXPECT_EQ(store().ListOrderPage(bad).status().code(), Status::Code::kInvalid);
  bad.limit = kMaxOrderPage + 1;
  EXPECT_EQ(store().ListOrderPage(bad).status().code(), Status::Code::kInvalid);
  // A page after an id no order has is simply the orders below it.
  OrderFilter past;
  past.before_id = 1'000'000'000;
  auto page = store().ListOrderPage(past);
  ASSERT_TRUE(page.ok());
  EXPECT_EQ(page->orders.size(), 45u);
}

}  // namespace
}  // namespace kira::crm
