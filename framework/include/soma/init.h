// Initial weight schemes. The host resolves their names (model.init = "he",
// an activation's preferred_init) and hands a layer the scheme itself.
//   xavier   uniform in +-sqrt(6 / (fan_in + fan_out))
//   he       normal, standard deviation sqrt(2 / fan_in)
//   uniform  uniform in +-scale
//   normal   normal, standard deviation scale
// Biases (model.bias_init) start at zero unless asked otherwise:
//   zero     0
//   uniform  uniform in +-scale
//   normal   normal, standard deviation scale (Nielsen's network.py: N(0, 1))
#pragma once

namespace soma {

enum class InitScheme { xavier, he, uniform, normal };
enum class BiasInit { zero, uniform, normal };

}  // namespace soma
