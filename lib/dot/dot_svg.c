/* dot_svg.c: the Graphviz context an SVG is drawn with: the dot layout, the core renderers and label widths of our own. */
#include <dlfcn.h>
#include <gvc.h>
#include <gvplugin.h>
#include <gvplugin_textlayout.h>
#include <stdio.h>

#include "dot/dot.h"

/*
 * Graphviz's default context reads its plugin configuration and, to size labels, loads
 * the pango plugin, which brings cairo, fontconfig (its configuration files and caches),
 * harfbuzz and a dozen more libraries: 15 ms of a small report's 20, every run. An SVG
 * needs none of it: its text is drawn by the browser that shows it. This context holds
 * the dot layout and the core renderers, opened from Graphviz's plugin folder, and a
 * text layout of our own that sizes labels from DejaVu Sans's advance widths.
 *
 * Why DejaVu Sans: our labels ask for Helvetica, which a browser draws with Helvetica or
 * Arial where it has them and with DejaVu Sans on most Linux machines that have neither;
 * DejaVu Sans is the widest of the three (Arial's digits are 0.556 em, DejaVu's 0.636),
 * so a label sized for it fits in every one of them. Graphviz's own estimate, used when
 * no text layout is loaded, sizes for Arial, and labels overflow their boxes on Linux.
 * PNG and PDF keep the default context: cairo draws them with pango's layouts.
 */

/* DejaVu Sans 2.37 (Book), advance widths of U+0020..U+007E in font units, 2048 per em:
 * read from the font's hmtx table through its cmap (format 4, platform 3, encoding 1). */
static const unsigned short advance[95] = {
	651,  821,  942,  1716, 1303, 1946, 1597, 563,  799,  799,  1024, 1716, 651,  739,
	651,  690,  1303, 1303, 1303, 1303, 1303, 1303, 1303, 1303, 1303, 1303, 690,  690,
	1716, 1716, 1716, 1087, 2048, 1401, 1405, 1430, 1577, 1294, 1178, 1587, 1540, 604,
	604,  1343, 1141, 1767, 1532, 1612, 1235, 1612, 1423, 1300, 1251, 1499, 1401, 2025,
	1403, 1251, 1403, 799,  690,  799,  1716, 1024, 1024, 1255, 1300, 1126, 1300, 1260,
	721,  1300, 1298, 569,  569,  1186, 569,  1995, 1298, 1253, 1300, 1300, 842,  1067,
	803,  1298, 1212, 1675, 1212, 1212, 1075, 1303, 690,  1303, 1716,
};
#define UNITS_PER_EM 2048.0
#define WIDE 2048 /* any other character: a whole em, wider than DejaVu's widest but '@' */
#define LINE_SPACING 1.2 /* Graphviz's own (LINESPACING in its common/const.h) */

/* The width of one line of UTF-8 text at size 1, in ems; a byte of a broken sequence
 * counts as a character of its own (too wide is safe, too narrow overflows). */
double gr_dot_text_width(const char *s)
{
	unsigned long units = 0;

	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p >= 0x20 && *p < 0x7f)
			units += advance[*p - 0x20];
		else if ((*p & 0xc0) != 0x80) /* not a continuation byte */
			units += *p < 0x20 || *p == 0x7f ? 0 : WIDE;
	}
	return (double)units / UNITS_PER_EM;
}

static boolean text_layout(textspan_t *span, char **fontpath)
{
	double size = span->font && span->font->size > 0 ? span->font->size : 14.0;

	span->size.x = span->str ? gr_dot_text_width(span->str) * size : 0.0;
	span->size.y = size * LINE_SPACING;
	span->yoffset_layout = 0.0;
	span->yoffset_centerline = 0.1 * size; /* as Graphviz's own estimate places it */
	span->layout = NULL;
	span->free_layout = NULL;
	if (fontpath)
		*fontpath = "[gammaray: DejaVu Sans widths]";
	return 1;
}

static gvtextlayout_engine_t text_engine = { text_layout };
static gvplugin_installed_t text_types[] = {
	{ 0, "textlayout", 0, &text_engine, NULL },
	{ 0, NULL, 0, NULL, NULL },
};
static gvplugin_api_t text_apis[] = {
	{ API_textlayout, text_types },
	{ (api_t)0, NULL },
};
static gvplugin_library_t text_library = { "gammaray_text", text_apis };

GVC_t *gr_dot_svg_context(void)
{
#ifdef GR_GV_PLUGIN_DIR
	static const char *const plugin[2] = { "core", "dot_layout" };
	static char name[2][48];
	static lt_symlist_t builtins[4]; /* ends with a null entry */
	char file[512];

	for (int i = 0; i < 2; i++) {
		snprintf(file, sizeof(file), "%s/libgvplugin_%s.so.%s", GR_GV_PLUGIN_DIR,
			 plugin[i], GR_GV_PLUGIN_ABI);
		snprintf(name[i], sizeof(name[i]), "gvplugin_%s_LTX_library", plugin[i]);
		/* never closed: the context keeps pointers into both */
		void *h = dlopen(file, RTLD_NOW | RTLD_LOCAL);
		void *lib = h ? dlsym(h, name[i]) : NULL;
		if (!lib)
			return gvContext();
		builtins[i] = (lt_symlist_t){ .name = name[i], .address = lib };
	}
	builtins[2] = (lt_symlist_t){ .name = "gvplugin_gammaray_text_LTX_library",
				      .address = &text_library };
	return gvContextPlugins(builtins, 0);
#else
	return gvContext();
#endif
}
