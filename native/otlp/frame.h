// The writing side of the .nptb dump format (docs/dump.md): the 64-byte file header
// and frames (sync, kind, payload length, CRC-32C of the payload and of the header,
// sequence number), each padded to an 8-byte boundary, exactly as the dump reader
// reads them.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace np::otlp {

// A reader treats a longer payload as corrupt, so a writer never writes one.
constexpr uint64_t kMaxFramePayload = 64ull << 20;

enum FrameKind : uint8_t { kFrameMetadata = 0, kFrameTraces = 1, kFrameMetrics = 2, kFrameLogs = 3, kFrameDropped = 4 };

// The file header: format 1.0, 64 bytes, creation time and process id.
std::string FileHeader(uint64_t createdUnixNanos, uint32_t pid, uint32_t flags = 0);

// Appends one frame (header, payload, zero padding to 8 bytes) to `out`. Throws
// np::Error `payload-too-large` past kMaxFramePayload and `bad-kind` for kind > 4.
void AppendFrame(std::string& out, uint8_t kind, uint64_t sequence, std::string_view payload);

}  // namespace np::otlp
