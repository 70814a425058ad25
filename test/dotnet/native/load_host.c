/*
 * A small host that does what CoreCLR does with CORECLR_PROFILER_PATH and
 * CORECLR_PROFILER: dlopen the library, look up DllGetClassObject and call it with the
 * CLSID. Used to prove the arm64 stand-in loads under qemu-aarch64 (docs/dotnet.md).
 * Usage: load_host LIBRARY {CLSID}. Prints the result; exit 0 when the call was made.
 */
#include <dlfcn.h>
#include <stdint.h>
#include <stdio.h>

typedef struct {
  uint32_t data1;
  uint16_t data2;
  uint16_t data3;
  uint8_t data4[8];
} host_guid;

typedef int32_t (*get_class_object_fn)(const host_guid*, const host_guid*, void**);

static int parse_guid(const char* s, host_guid* g) {
  unsigned int b[8];
  unsigned int d1, d2, d3;
  int used = 0;
  if (sscanf(s, "{%8x-%4x-%4x-%2x%2x-%2x%2x%2x%2x%2x%2x}%n", &d1, &d2, &d3, &b[0], &b[1], &b[2], &b[3], &b[4], &b[5],
             &b[6], &b[7], &used) != 11 || s[used] != '\0')
    return 0;
  g->data1 = d1;
  g->data2 = (uint16_t)d2;
  g->data3 = (uint16_t)d3;
  for (int i = 0; i < 8; i++) g->data4[i] = (uint8_t)b[i];
  return 1;
}

int main(int argc, char** argv) {
  if (argc != 3) {
    fprintf(stderr, "usage: load_host LIBRARY {CLSID}\n");
    return 2;
  }
  host_guid clsid, iid = {0x00000001, 0, 0, {0xC0, 0, 0, 0, 0, 0, 0, 0x46}}; /* IClassFactory */
  if (!parse_guid(argv[2], &clsid)) {
    fprintf(stderr, "load_host: %s is not a braced GUID\n", argv[2]);
    return 2;
  }
  void* lib = dlopen(argv[1], RTLD_NOW | RTLD_LOCAL);
  if (lib == NULL) {
    fprintf(stderr, "load_host: dlopen failed: %s\n", dlerror());
    return 1;
  }
  get_class_object_fn fn = (get_class_object_fn)dlsym(lib, "DllGetClassObject");
  const char* (*version)(void) = (const char* (*)(void))dlsym(lib, "net_profiler_version");
  if (fn == NULL) {
    fprintf(stderr, "load_host: DllGetClassObject not exported\n");
    return 1;
  }
  void* factory = (void*)1;
  int32_t hr = fn(&clsid, &iid, &factory);
  printf("loaded %s version=%s hr=0x%08X factory=%s\n", argv[1], version ? version() : "?", (unsigned)hr,
         factory == NULL ? "null" : "set");
  return 0;
}
