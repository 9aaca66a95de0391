#include "corpus/libpq.h"

#include <dlfcn.h>

#include <cstdlib>
#include <mutex>

namespace chiso {
namespace {

LibPq g_libpq;
std::string g_why;

void Load() {
  // CHISO_LIBPQ names another file (tests: a missing one).
  const char* env = std::getenv("CHISO_LIBPQ");
  const char* file = env && *env ? env : "libpq.so.5";
  // RTLD_LOCAL: libpq's symbols stay out of the global namespace.
  void* lib = dlopen(file, RTLD_NOW | RTLD_LOCAL);
  if (lib == nullptr) {
    const char* e = dlerror();
    g_why = std::string("cannot load libpq (install libpq5): ") + (e ? e : file);
    return;
  }
  LibPq table;
  bool complete = true;
#define CHISO_LIBPQ_LOOKUP(name)                                                      \
  table.name##_fn = reinterpret_cast<decltype(LibPq::name##_fn)>(dlsym(lib, #name));  \
  if (table.name##_fn == nullptr && complete) {                                       \
    complete = false;                                                                 \
    g_why = std::string(file) + " has no " #name " (libpq too old?)";                   \
  }
  CHISO_LIBPQ_FUNCTIONS(CHISO_LIBPQ_LOOKUP)
#undef CHISO_LIBPQ_LOOKUP
  if (complete) g_libpq = table;
}

}  // namespace

bool LoadLibPq(std::string* why) {
  static std::once_flag once;
  std::call_once(once, Load);
  if (!g_why.empty()) {
    if (why) *why = g_why;
    return false;
  }
  return true;
}

const LibPq& LoadedLibPq() { return g_libpq; }

}  // namespace chiso
