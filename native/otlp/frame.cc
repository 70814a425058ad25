#include "otlp/frame.h"

#include <cstring>

#include "core/crc32c.h"
#include "core/error.h"
#include "dump/pb.h"

namespace np::otlp {

namespace {
const uint8_t kMagic[8] = {0x89, 'N', 'P', 'T', 'B', '\r', '\n', 0x1a};
}

std::string FileHeader(uint64_t createdUnixNanos, uint32_t pid, uint32_t flags) {
  std::string h(64, '\0');
  auto* p = reinterpret_cast<uint8_t*>(&h[0]);
  std::memcpy(p, kMagic, 8);
  p[8] = 1;   // major
  p[10] = 0;  // minor
  dump::StoreLE32(p + 12, 64);
  dump::StoreLE32(p + 16, flags);
  dump::StoreLE64(p + 24, createdUnixNanos);
  dump::StoreLE32(p + 32, pid);
  return h;
}

void AppendFrame(std::string& out, uint8_t kind, uint64_t sequence, std::string_view payload) {
  if (kind > kFrameDropped) throw Error("bad-kind", "frame kind " + std::to_string(kind) + " is not 0 to 4");
  if (payload.size() > kMaxFramePayload)
    throw Error("payload-too-large", "a frame payload of " + std::to_string(payload.size()) + " bytes is over the 64 MiB a dump reader accepts");
  const size_t at = out.size();
  out.resize(at + 32);
  auto* h = reinterpret_cast<uint8_t*>(&out[at]);
  std::memcpy(h, "NPFR", 4);
  h[4] = kind;
  dump::StoreLE32(h + 8, uint32_t(payload.size()));
  dump::StoreLE32(h + 12, np::crc32c(0, reinterpret_cast<const uint8_t*>(payload.data()), payload.size()));
  dump::StoreLE64(h + 16, sequence);
  dump::StoreLE32(h + 24, np::crc32c(0, h, 24));
  out.append(payload.data(), payload.size());
  out.append((8 - (32 + payload.size()) % 8) % 8, '\0');
}

}  // namespace np::otlp
