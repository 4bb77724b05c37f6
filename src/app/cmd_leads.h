// `kira leads take|vera|close|approve ID`: the lead actions of the web workspace, from the
// command line, through the same lead service (leads/lead_service.h). Registered under
// `kira leads` by cmd_crm.cpp.
#pragma once

namespace CLI {
class App;
}

namespace kira::app {

struct AppOptions;
void RegisterLeadActions(CLI::App& leads, AppOptions& opts);
// `kira orders status ID STATUS` (cmd_orders.cpp), registered under `kira orders`.
void RegisterOrderActions(CLI::App& orders, AppOptions& opts);

}  // namespace kira::app
