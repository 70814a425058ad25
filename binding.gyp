{
  # The one build of the addon. The source list comes from scripts/native-sources.js,
  # which native/CMakeLists.txt asks too, so the two builds cannot drift apart.
  "targets": [
    {
      "target_name": "net_profiler",
      "sources": [
        "<!@(node scripts/native-sources.js core glue)"
      ],
      "include_dirs": [
        "<!(node -p \"require('node-addon-api').include_dir\")",
        "native"
      ],
      "defines": [
        "NAPI_VERSION=8",
        "NAPI_CPP_EXCEPTIONS",
        "NODE_ADDON_API_DISABLE_DEPRECATED",
        "NP_SOURCE_HASH=\"<!(node scripts/source-hash.js)\""
      ],
      "cflags!": ["-fno-exceptions", "-fno-rtti"],
      "cflags_cc!": ["-fno-exceptions", "-fno-rtti"],
      "cflags": ["-fvisibility=hidden", "-Wall", "-Wextra", "-Wno-unused-parameter"],
      "cflags_cc": ["-fvisibility=hidden", "-fvisibility-inlines-hidden", "-fexceptions", "-frtti", "-std=c++17", "-Wall", "-Wextra", "-Wno-unused-parameter"],
      "ldflags": ["-Wl,--as-needed", "-Wl,--exclude-libs,ALL", "-Wl,-z,noexecstack"],
      "conditions": [
        ["target_arch=='arm64'", {
          "libraries": ["<!(node scripts/libdeflate-path.js arm64)"]
        }, {
          "libraries": ["<!(node scripts/libdeflate-path.js x64)"]
        }]
      ]
    }
  ]
}
