import Foundation

/// The name of a meeting's room on the video engine: 128 random bits, so a room cannot be
/// found by guessing, in lowercase letters and digits every engine accepts.
public enum MeetingRoomName {
    public static func random() -> String {
        var rng = SystemRandomNumberGenerator()
        let alphabet = Array("abcdefghijklmnopqrstuvwxyz234567")
        // 26 characters of 5 bits: 130 bits.
        return "congso-" + String((0..<26).map { _ in alphabet[Int(rng.next() % 32)] })
    }
}
