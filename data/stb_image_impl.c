/* stb_image_impl.c - the one translation unit that compiles stb_image's implementation
 * (libstb-dev ships it as a header-only library; data/dataset.c uses its API).
 *
 * No warning is silenced here: the header lives under /usr/include, so gcc treats it as a
 * system header and our -Werror flags do not apply to its code. */
#include <stdio.h> /* FILE, for the stdio entry points of stb_image */

/* Only the formats the dataset loader accepts: fewer decoders, less third-party surface.
 * Allocation stays malloc/free (the defaults), so stbi_image_free is plain free. */
#define STBI_ONLY_PNG
#define STBI_ONLY_JPEG
#define STB_IMAGE_IMPLEMENTATION
#include <stb/stb_image.h>
