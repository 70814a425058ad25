/*
 * Stand-in for libnet_profiler.so, built at test time (scripts/build-dotnet-standins.sh).
 * CoreCLR loads the library named by CORECLR_PROFILER_PATH and asks its
 * DllGetClassObject for the class named by CORECLR_PROFILER. This library records
 * that request (process id and CLSID) as one line appended to the file named by
 * NET_PROFILER_STANDIN_LOG, then declines, so the runtime goes on without a profiler.
 * See docs/dotnet.md.
 */
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

typedef struct {
  uint32_t data1;
  uint16_t data2;
  uint16_t data3;
  uint8_t data4[8];
} standin_guid;

#define STANDIN_EXPORT __attribute__((visibility("default")))
#define CLASS_E_CLASSNOTAVAILABLE ((int32_t)0x80040111)
#define E_POINTER ((int32_t)0x80004003)

static void standin_record(const char* what, const standin_guid* clsid) {
  const char* file = getenv("NET_PROFILER_STANDIN_LOG");
  if (file == NULL || *file == '\0') return;
  char line[160];
  int n;
  if (clsid != NULL) {
    n = snprintf(line, sizeof line,
                 "native %s pid=%ld clsid={%08X-%04X-%04X-%02X%02X-%02X%02X%02X%02X%02X%02X}\n", what,
                 (long)getpid(), clsid->data1, clsid->data2, clsid->data3, clsid->data4[0], clsid->data4[1],
                 clsid->data4[2], clsid->data4[3], clsid->data4[4], clsid->data4[5], clsid->data4[6],
                 clsid->data4[7]);
  } else {
    n = snprintf(line, sizeof line, "native %s pid=%ld\n", what, (long)getpid());
  }
  if (n <= 0 || (size_t)n >= sizeof line) return;
  int fd = open(file, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (fd < 0) return;
  ssize_t w = write(fd, line, (size_t)n);
  (void)w;
  close(fd);
}

/* The COM entry point CoreCLR calls: records the CLSID asked for, then declines. */
STANDIN_EXPORT int32_t DllGetClassObject(const standin_guid* clsid, const standin_guid* iid, void** out) {
  (void)iid;
  if (out == NULL) return E_POINTER;
  *out = NULL;
  standin_record("DllGetClassObject", clsid);
  return CLASS_E_CLASSNOTAVAILABLE;
}

/* What the stand-in is, for a host that checks it loaded the right file. */
STANDIN_EXPORT const char* net_profiler_version(void) { return "1.4.0-standin"; }
