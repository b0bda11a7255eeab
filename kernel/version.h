#pragma once

namespace uk {
inline constexpr const char* kVersion = "0.1.0";
}
