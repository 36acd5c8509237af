/* SPDX-License-Identifier: BSD-3-Clause */
/* Stage 1 is inline (parse.h); this file holds the drop reason names. */
#include "dp.h"

const char *const vs_drop_names[VS_DROP_COUNT] = {
#define _(sym, name, help) [VS_DROP_##sym] = name,
	VS_FOREACH_DROP(_)
#undef _
};
