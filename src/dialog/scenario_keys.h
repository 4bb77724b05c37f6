// The scenario keys the dialog code uses. Every agent's merged scenario (built-in shared
// phrases + the agent's own + the shop's) must have them all: Engine::Create checks every agent
// and language at start-up, so a missing phrase is an error naming the key and the files, not
// a silent "" in the middle of a call.
//
// Adding a phrase to the code: add its key here (kBothAgents, or kVeraOnly for Vera alone), and
// the text to data/defaults/agents/common/<lang>/scenario.yaml (or agents/vera/<lang>/) for ru
// and en. A key built at run time ("summary_" + outcome, "ordinal_" + n) is listed in full.
// scenario_keys_test.cpp fails when a literal key in the dialog code is missing from this list.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "dialog/phrases.h"

namespace kira::dialog {

// Phrases both agents say.
inline constexpr std::string_view kBothAgentsPhrases[] = {"order_status",
                                                          "order_line",
                                                          "order_status_confirmed",
                                                          "callback_confirm_part",
                                                          "callback_confirm_in",
                                                          "part_morning",
                                                          "part_afternoon",
                                                          "part_evening",
                                                          "greeting",
                                                          "how_can_i_help",
                                                          "anything_else",
                                                          "anything_else_after_order",
                                                          "not_heard",
                                                          "not_understood",
                                                          "silence_reprompt",
                                                          "silence_goodbye",
                                                          "goodbye",
                                                          "disclosure",
                                                          "info_hours",
                                                          "info_address",
                                                          "info_delivery",
                                                          "clarify_1",
                                                          "clarify_2",
                                                          "noted_quantity",
                                                          "clarify_which",
                                                          "or",
                                                          "offer_manager",
                                                          "not_sold",
                                                          "in_stock",
                                                          "shop_out_distributor_has",
                                                          "ask_quantity",
                                                          "ask_quantity_m2",
                                                          "ask_quantity_in_units",
                                                          "rounded_to_boxes",
                                                          "small_quantity",
                                                          "big_project",
                                                          "qualified_thanks",
                                                          "order_from_distributor",
                                                          "partial_from_distributor",
                                                          "not_enough_anywhere",
                                                          "order_offer",
                                                          "order_offer_lines",
                                                          "ask_name",
                                                          "ask_fulfilment",
                                                          "ask_address",
                                                          "fulfilment_pickup",
                                                          "fulfilment_delivery",
                                                          "supply_distributor",
                                                          "confirm_order",
                                                          "order_change",
                                                          "order_placed_pickup",
                                                          "order_placed_delivery",
                                                          "discontinued_analogs_intro",
                                                          "out_of_stock_analogs_intro",
                                                          "discontinued_no_analogs",
                                                          "out_of_stock_no_analogs",
                                                          "analog_item",
                                                          "ordinal_1",
                                                          "ordinal_2",
                                                          "ordinal_3",
                                                          "ordinal_4",
                                                          "ordinal_5",
                                                          "clarify_format",
                                                          "clarify_color",
                                                          "clarify_surface",
                                                          "clarify_collection",
                                                          "clarify_brand",
                                                          "analog_question",
                                                          "analog_reason_category",
                                                          "analog_reason_format",
                                                          "analog_reason_color",
                                                          "analog_reason_surface",
                                                          "analog_reason_material",
                                                          "analog_reason_brand",
                                                          "analog_reason_collection",
                                                          "analog_reason_price_lower",
                                                          "analog_reason_price_similar",
                                                          "analog_reason_price_higher",
                                                          "analog_diff_format",
                                                          "analog_diff_color",
                                                          "analog_diff_surface",
                                                          "analog_diff_collection",
                                                          "analog_diff_brand",
                                                          "analog_diff_none",
                                                          "decline_ok",
                                                          "abuse_warning",
                                                          "abuse_end",
                                                          "prank_end",
                                                          "fraud_refuse",
                                                          "wrong_number",
                                                          "transfer",
                                                          "transfer_failed",
                                                          "opt_out",
                                                          "ask_callback_time",
                                                          "callback_confirm",
                                                          "callback_ask_name",
                                                          "not_a_customer",
                                                          "in_stock_analogs_intro",
                                                          "in_stock_no_analogs",
                                                          "supply_question",
                                                          "supply_or_analog",
                                                          "summary_non_targeted_would_not_wait",
                                                          "callback_name_thanks",
                                                          "day_offset_0",
                                                          "day_offset_1",
                                                          "day_offset_2",
                                                          "day_weekday_0",
                                                          "day_weekday_1",
                                                          "day_weekday_2",
                                                          "day_weekday_3",
                                                          "day_weekday_4",
                                                          "day_weekday_5",
                                                          "day_weekday_6",
                                                          "technical_problem",
                                                          "recognition_unavailable",
                                                          "summary_asked",
                                                          "summary_asked_other",
                                                          "summary_order_placed",
                                                          "summary_qualified",
                                                          "summary_callback_scheduled",
                                                          "summary_transferred",
                                                          "summary_info_only",
                                                          "summary_non_targeted_discontinued",
                                                          "summary_non_targeted_out_of_stock",
                                                          "summary_non_targeted_not_sold",
                                                          "summary_non_targeted_small_quantity",
                                                          "summary_non_targeted_unclear",
                                                          "summary_non_targeted_other",
                                                          "summary_abusive",
                                                          "summary_prank",
                                                          "summary_fraud_suspected",
                                                          "summary_opt_out",
                                                          "summary_wrong_number",
                                                          "summary_interrupted"};

// Phrases only Vera (outbound) says.
inline constexpr std::string_view kVeraOnlyPhrases[] = {
    "vera_consent",         "vera_confirm_person",    "vera_confirm_person_product",
    "vera_consent_refused", "vera_how_help",          "vera_remind",
    "vera_related",         "vera_secretary_message", "vera_voicemail_message",
    "summary_refused",      "summary_secretary",      "summary_voicemail",
    "summary_no_answer"};

// Word lists (scenario `lists:`).
inline constexpr std::string_view kBothAgentsLists[] = {"yes_words",
                                                        "urgent_words",
                                                        "analog_words",
                                                        "supply_words",
                                                        "no_words",
                                                        "heard_any",
                                                        "heard_none",
                                                        "heard_yesno",
                                                        "heard_order_offer",
                                                        "heard_confirm",
                                                        "heard_quantity",
                                                        "heard_which",
                                                        "heard_analogs",
                                                        "heard_name",
                                                        "heard_fulfilment",
                                                        "heard_address",
                                                        "heard_callback_time",
                                                        "heard_manager",
                                                        "heard_consent",
                                                        "heard_unit_words",
                                                        "heard_first_names",
                                                        "heard_ordinals",
                                                        "heard_weekdays",
                                                        "heard_streets",
                                                        "done_words",
                                                        "closing_words",
                                                        "order_line_separators"};
inline constexpr std::string_view kVeraOnlyLists[] = {"secretary_phrases", "voicemail_phrases",
                                                      "pickup_words", "pickup_companions"};

// The keys `agent` ("kira" | "vera") needs.
std::vector<std::string_view> RequiredPhrases(const std::string& agent);
std::vector<std::string_view> RequiredLists(const std::string& agent);

// Invalid naming every missing key and the files the scenario was merged from, e.g.
// "agent vera, language en: phrases.vera_remind, lists.no_words are missing (add them to
// data/defaults/agents/common/en/scenario.yaml or .../vera/en/scenario.yaml)".
Status CheckRequiredKeys(const Phrases& p, const std::string& agent,
                         const std::vector<std::string>& files);

}  // namespace kira::dialog
