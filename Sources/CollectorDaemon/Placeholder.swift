public enum CollectorMain { public static func run() { print("scoreboard-collector: not built yet") } }
