import Testing
@testable import CongsoServer
import VaporTesting
@Test func smoke() { #expect(1 + 1 == 2) }
