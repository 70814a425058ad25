// The opentelemetry-proto v1 messages as tables (field number, JSON name, type), and
// the walks over them: validation, OTLP/JSON output (or the "plain" JSON of the SDK,
// where attributes are objects of plain values), and the field lookups the fast
// paths need. Written for these messages only; unknown fields of every wire type are
// skipped at every level.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "dump/pb.h"

namespace np::dump {

enum class Signal : uint8_t { None = 0, Traces = 1, Metrics = 2, Logs = 3 };
const char* SignalName(Signal s);

enum FieldType : uint8_t {
  kMsg, kString, kBytes, kId, kFixed64, kSFixed64, kDouble, kInt64, kUInt64, kInt32, kUInt32, kSInt32, kEnum, kBool, kFixed32
};

struct Msg;
struct Field {
  uint32_t num;
  const char* json;  // lowerCamelCase name of the proto3 JSON mapping
  FieldType type;
  bool repeated;
  const Msg* msg;  // for kMsg
};
struct Msg {
  const char* name;
  const Field* fields;
  int count;
  uint8_t special;  // 1 AnyValue, 2 KeyValue, 0 other
  const Field* find(uint32_t num) const {
    for (int i = 0; i < count; ++i)
      if (fields[i].num == num) return &fields[i];
    return nullptr;
  }
  const Field* findJson(std::string_view name) const;
};

// Export request message of a signal; the messages the walks start from.
const Msg* RequestMsg(Signal s);
extern const Msg kAnyValueMsg, kKeyValueMsg, kResourceMsg, kScopeMsg, kSpanMsg, kStatusMsg, kEventMsg, kLinkMsg, kMetricMsg,
    kLogRecordMsg;

// True when `bytes` is a well-formed `msg` (right wire type for every known field,
// every length within the bytes, nesting at most 64 deep).
bool Validate(const Msg* msg, Bytes bytes, int depth = 0);

// Validate(&kKeyValueMsg, b, depth), inline for the usual attribute (a short key and
// one scalar value, each length in one byte); anything else takes the general walk,
// so both accept exactly the same bytes.
bool ValidateKeyValueGeneral(Bytes b, int depth);
inline bool ValidateKeyValue(Bytes b, int depth) {
  const uint8_t* p = reinterpret_cast<const uint8_t*>(b.data());
  const uint8_t* const end = p + b.size();
  // key: tag 1 LEN, one-byte length
  if (depth >= 64 || end - p < 2 || p[0] != 0x0a || p[1] >= 0x80 || p[1] > end - p - 2) return ValidateKeyValueGeneral(b, depth);
  p += 2 + p[1];
  // value: tag 2 LEN, one-byte length, ending the KeyValue
  if (end - p < 2 || p[0] != 0x12 || p[1] >= 0x80 || p[1] != end - p - 2) return ValidateKeyValueGeneral(b, depth);
  p += 2;
  // one scalar AnyValue field that fills the value exactly
  if (p == end) return true;  // an empty AnyValue
  const uint8_t t = *p++;
  switch (t) {
    case 0x0a: case 0x3a:  // string_value, bytes_value
      if (p < end && *p < 0x80 && *p == end - p - 1) return true;
      break;
    case 0x10: case 0x18:  // bool_value, int_value: a varint of at most 9 bytes
      for (int i = 0; i < 9 && p < end; ++i)
        if (!(*p++ & 0x80)) {
          if (p == end) return true;
          break;
        }
      break;
    case 0x21:  // double_value
      if (end - p == 8) return true;
      break;
  }
  return ValidateKeyValueGeneral(b, depth);
}

struct JsonOptions {
  bool plain = false;  // attributes as objects of plain values (docs/dump.md) instead of OTLP/JSON
};
// Writes a validated message as JSON: OTLP/JSON (proto3 mapping with hex ids, int64 as
// strings, enums as numbers) or the plain form.
void ToJson(const Msg* msg, Bytes bytes, std::string& out, const JsonOptions& opt, int depth = 0);
// Writes an AnyValue as a plain JSON value (the rules of docs/dump.md).
void PlainAnyValue(Bytes anyValue, std::string& out, int depth = 0);
// Writes repeated KeyValue entries (given as the message holding them and the field
// number) as one plain JSON object.
void PlainAttributes(Bytes message, uint32_t field, std::string& out);

}  // namespace np::dump
