#include "viewer/leak_check.h"

#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#define KAFKASIM_LEAK_CHECKED 1
#endif
#endif
#if defined(__SANITIZE_ADDRESS__)
#define KAFKASIM_LEAK_CHECKED 1
#endif

#ifdef KAFKASIM_LEAK_CHECKED
#include <dlfcn.h>
#include <link.h>

#include <cstring>
#endif

namespace ks {

void KeepGraphicsDriversLoadedForLeakCheck() {
#ifdef KAFKASIM_LEAK_CHECKED
  dl_iterate_phdr(
      [](dl_phdr_info* info, size_t, void*) {
        if (info->dlpi_name != nullptr && std::strstr(info->dlpi_name, "/dri/") != nullptr) {
          // RTLD_NOLOAD: only a library loaded already; RTLD_NODELETE: never unloaded. The
          // handle is kept on purpose (one more reference, never closed).
          dlopen(info->dlpi_name, RTLD_LAZY | RTLD_NOLOAD | RTLD_NODELETE);
        }
        return 0;
      },
      nullptr);
#endif
}

}  // namespace ks
