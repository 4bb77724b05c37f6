// libre's own log lines, routed through Kira's logger with a rate limit (issue 10, F13).
//
// libre prints some lines straight to stderr with re_fprintf(), one per event an outsider
// controls ("sip: msg decode err" for every garbage datagram, "unhandeled response" for every
// stray response), and its DEBUG_WARNING lines through dbg_printf(). libre_log.cpp defines
// re_fprintf() (libre's calls resolve to it, as for accept() in tcp_guard.h) and installs a
// dbg handler: each kind of line becomes a log::Limited() line keyed by its format, so a
// flood yields a burst, then a trickle with "(N more suppressed)".
#pragma once

namespace kira::telephony {

// Installs the dbg handler (idempotent); re_fprintf() is routed from the start.
void RouteLibreLogs();

}  // namespace kira::telephony
