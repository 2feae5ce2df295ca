import Glibc

/// The IMF-fixdate for the `Date` header (RFC 9110 5.6.7), recomputed at most once per second.
struct HTTPDateCache {
    private var second: time_t = -1
    private var formatted = ""

    private static let weekdays = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
    private static let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    /// Returns the current time, for instance `Sun, 06 Nov 1994 08:49:37 GMT`.
    mutating func now() -> String {
        var current = time(nil)
        if current == second {
            return formatted
        }

        var fields = tm()
        gmtime_r(&current, &fields)
        let weekday = Self.weekdays[Int(fields.tm_wday)]
        let month = Self.months[Int(fields.tm_mon)]
        let year = Int(fields.tm_year) + 1900
        formatted = "\(weekday), \(Self.twoDigits(fields.tm_mday)) \(month) \(year) "
            + "\(Self.twoDigits(fields.tm_hour)):\(Self.twoDigits(fields.tm_min)):\(Self.twoDigits(fields.tm_sec)) GMT"
        second = current
        return formatted
    }

    private static func twoDigits(_ value: Int32) -> String {
        value < 10 ? "0\(value)" : "\(value)"
    }
}
