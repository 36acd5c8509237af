/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Echoing user text in error messages (config/ internal): cut long text
 * after CLIP_MAX bytes, on a UTF-8 boundary, with "...", and show control
 * characters as '?', so a message stays one readable line whatever the
 * input was.
 */
#ifndef VS_CLIP_H
#define VS_CLIP_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#define CLIP_MAX 48                     /* user text echoed in a message is cut after this */
#define CLIP_BUF (CLIP_MAX + 4)         /* clipped text plus "..." and the NUL */

/* At most n bytes of s, clipped into buf. */
static inline const char *
clip_n(char buf[CLIP_BUF], const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n && s[i] != '\0' && i < CLIP_MAX; i++)
		buf[i] = (unsigned char)s[i] < 0x20 || s[i] == 0x7f ? '?' : s[i];
	if (i < n && s[i] != '\0') {
		while (i > 0 && ((unsigned char)s[i] & 0xc0) == 0x80)
			i--;
		memcpy(buf + i, "...", 3);
		i += 3;
	}
	buf[i] = '\0';
	return buf;
}

static inline const char *
clip(char buf[CLIP_BUF], const char *s)
{
	return clip_n(buf, s, SIZE_MAX);
}

#endif /* VS_CLIP_H */
