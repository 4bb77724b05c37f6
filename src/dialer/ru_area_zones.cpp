#include "dialer/ru_area_zones.h"

#include <iterator>

namespace kira::dialer {
namespace {

constexpr char kMsk[] = "Europe/Moscow";
constexpr char kEkb[] = "Asia/Yekaterinburg";

// See the header for the source and the rule. Codes grouped by zone.
constexpr RuAreaZones kTable[] = {
    // UTC+2
    {"401", "Europe/Kaliningrad"},
    // UTC+3, Moscow time
    {"471", kMsk},
    {"472", kMsk},
    {"473", kMsk},
    {"474", kMsk},
    {"475", kMsk},  // Kursk…Tambov
    {"481", kMsk},
    {"482", kMsk},
    {"483", kMsk},
    {"484", kMsk},
    {"485", kMsk},  // Smolensk…
    {"486", kMsk},
    {"487", kMsk},  // Oryol, Tula
    {"491", kMsk},
    {"492", kMsk},
    {"493", kMsk},
    {"494", kMsk},  // Ryazan…Kostroma
    {"495", kMsk},
    {"496", kMsk},
    {"498", kMsk},
    {"499", kMsk},  // Moscow and the oblast
    {"811", kMsk},
    {"812", kMsk},
    {"813", kMsk},
    {"814", kMsk},  // Pskov, St Petersburg, Karelia
    {"815", kMsk},
    {"816", kMsk},
    {"817", kMsk},
    {"818", kMsk},  // Murmansk…Arkhangelsk
    {"820", kMsk},
    {"821", kMsk},  // Cherepovets, Komi
    {"831", kMsk},
    {"834", kMsk},
    {"835", kMsk},
    {"836", kMsk},  // N. Novgorod, Mordovia…
    {"841", kMsk},
    {"843", kMsk},
    {"847", kMsk},
    {"855", kMsk},  // Penza, Tatarstan, Kalmykia
    {"861", kMsk},
    {"862", kMsk},
    {"863", kMsk},
    {"865", kMsk},  // Krasnodar, Sochi, Rostov…
    {"866", kMsk},
    {"867", kMsk},
    {"871", kMsk},
    {"872", kMsk},  // North Caucasus
    {"873", kMsk},
    {"877", kMsk},
    {"878", kMsk},
    {"879", kMsk},
    {"833", "Europe/Kirov"},
    {"844", "Europe/Volgograd"},
    {"365", "Europe/Simferopol"},  // Crimea
    {"869", "Europe/Simferopol"},  // Sevastopol
    // UTC+4
    {"851", "Europe/Astrakhan"},
    {"845", "Europe/Saratov"},
    {"842", "Europe/Ulyanovsk"},
    {"846", "Europe/Samara"},
    {"848", "Europe/Samara"},  // Samara, Tolyatti
    {"341", "Europe/Samara"},  // Udmurtia
    // UTC+5
    {"342", kEkb},
    {"343", kEkb},
    {"345", kEkb},
    {"346", kEkb},
    {"347", kEkb},  // Perm…Bashkiria
    {"349", kEkb},
    {"351", kEkb},
    {"352", kEkb},
    {"353", kEkb},  // YaNAO, Chelyabinsk…Orenburg
    // UTC+6
    {"381", "Asia/Omsk"},
    // UTC+7
    {"382", "Asia/Tomsk"},
    {"383", "Asia/Novosibirsk"},
    {"384", "Asia/Novokuznetsk"},  // Kemerovo oblast
    {"385", "Asia/Barnaul"},
    {"388", "Asia/Barnaul"},  // Altai krai, Altai republic
    {"390", "Asia/Krasnoyarsk"},
    {"391", "Asia/Krasnoyarsk"},
    {"394", "Asia/Krasnoyarsk"},
    // UTC+8
    {"395", "Asia/Irkutsk"},
    {"301", "Asia/Irkutsk"},  // Buryatia
    // UTC+9
    {"302", "Asia/Chita"},
    {"416", "Asia/Yakutsk"},                                                 // Amur oblast
    {"4112", "Asia/Yakutsk"},                                                // Yakutsk city
    {"411", "Asia/Yakutsk,Asia/Khandyga,Asia/Ust-Nera,Asia/Srednekolymsk"},  // rest of Sakha
    // UTC+10
    {"421", "Asia/Vladivostok"},
    {"423", "Asia/Vladivostok"},
    {"426", "Asia/Vladivostok"},
    // UTC+11
    {"413", "Asia/Magadan"},
    {"424", "Asia/Sakhalin"},
    // UTC+12
    {"415", "Asia/Kamchatka"},
    {"427", "Asia/Anadyr"},  // Chukotka
};

}  // namespace

const RuAreaZones* LookupRuArea(std::string_view national) {
  const RuAreaZones* best = nullptr;
  for (const auto& e : kTable) {
    if (national.substr(0, e.prefix.size()) == e.prefix &&
        (!best || e.prefix.size() > best->prefix.size()))
      best = &e;
  }
  return best;
}

const RuAreaZones* RuAreaTable(size_t* count) {
  *count = std::size(kTable);
  return kTable;
}

}  // namespace kira::dialer
