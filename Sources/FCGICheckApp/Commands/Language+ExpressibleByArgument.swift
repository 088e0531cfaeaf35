import ArgumentParser
import CheckDomain

/// `--lang zh` or `--lang en`: the same codes as `Accept-Language`.
extension Language: ExpressibleByArgument {}
