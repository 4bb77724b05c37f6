// libre, included the one way that keeps its ABI right: the target defines HAVE_INTTYPES_H,
// HAVE_STDBOOL_H and HAVE_INET6 (libre.pc omits them; without HAVE_INET6 `struct sa` has the
// wrong size). Only telephony .cpp files include this; public headers stay libre-free.
#pragma once

#if !defined(HAVE_INET6) || !defined(HAVE_INTTYPES_H) || !defined(HAVE_STDBOOL_H)
#error "compile libre users with -DHAVE_INTTYPES_H -DHAVE_STDBOOL_H -DHAVE_INET6"
#endif

#include <re.h>
