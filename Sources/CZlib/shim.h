#ifndef PLUGIN_DEV_CZLIB_SHIM_H
#define PLUGIN_DEV_CZLIB_SHIM_H

#include <zlib.h>

/// inflateInit2 is a macro; Swift cannot call it.
static inline int plugin_dev_inflate_init2(z_stream *stream, int windowBits) {
  return inflateInit2(stream, windowBits);
}

#endif
