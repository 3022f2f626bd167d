/// Real names of Hanoi's departments, districts and wards (2021), and the pools that
/// demo people are named from, weighted roughly as in the population.
enum HanoiNames {
    static let departments: [(code: String, name: String)] = [
        ("VP-UBND", "Văn phòng UBND Thành phố"), ("SNV", "Sở Nội vụ"), ("SYT", "Sở Y tế"),
        ("SGDDT", "Sở Giáo dục và Đào tạo"), ("STC", "Sở Tài chính"), ("SKHDT", "Sở Kế hoạch và Đầu tư"),
        ("SXD", "Sở Xây dựng"), ("SGTVT", "Sở Giao thông vận tải"), ("SCT", "Sở Công Thương"),
        ("SKHCN", "Sở Khoa học và Công nghệ"), ("STTTT", "Sở Thông tin và Truyền thông"),
        ("SLDTBXH", "Sở Lao động - Thương binh và Xã hội"), ("SVHTT", "Sở Văn hóa và Thể thao"),
        ("SDL", "Sở Du lịch"), ("STNMT", "Sở Tài nguyên và Môi trường"),
        ("SNNPTNT", "Sở Nông nghiệp và Phát triển nông thôn"), ("STP", "Sở Tư pháp"),
        ("SQHKT", "Sở Quy hoạch - Kiến trúc"), ("TTTP", "Thanh tra Thành phố"),
        ("BDT", "Ban Dân tộc"), ("SNGV", "Sở Ngoại vụ"),
    ]
    static let departmentUnits = [
        "Văn phòng Sở", "Phòng Tổ chức cán bộ", "Phòng Kế hoạch - Tài chính", "Thanh tra Sở",
        "Phòng Pháp chế", "Phòng Quản lý chuyên ngành", "Trung tâm Dịch vụ công",
    ]
    static let urbanDistricts = [
        "Ba Đình", "Hoàn Kiếm", "Tây Hồ", "Long Biên", "Cầu Giấy", "Đống Đa", "Hai Bà Trưng",
        "Hoàng Mai", "Thanh Xuân", "Nam Từ Liêm", "Bắc Từ Liêm", "Hà Đông",
    ]
    static let ruralDistricts = [
        "Sóc Sơn", "Đông Anh", "Gia Lâm", "Thanh Trì", "Mê Linh", "Ba Vì", "Phúc Thọ", "Đan Phượng",
        "Hoài Đức", "Quốc Oai", "Thạch Thất", "Chương Mỹ", "Thanh Oai", "Thường Tín", "Phú Xuyên",
        "Ứng Hòa", "Mỹ Đức",
    ]
    static let town = "Sơn Tây"
    static let districtUnits = [
        "Văn phòng HĐND và UBND", "Phòng Nội vụ", "Phòng Tài chính - Kế hoạch", "Phòng Tư pháp",
        "Phòng Y tế", "Phòng Giáo dục và Đào tạo", "Phòng Văn hóa và Thông tin",
        "Phòng Lao động - Thương binh và Xã hội", "Phòng Tài nguyên và Môi trường", "Phòng Quản lý đô thị",
    ]
    static let wardsByDistrict: [String: [String]] = [
        "Hoàn Kiếm": ["Hàng Bạc", "Hàng Bồ", "Hàng Buồm", "Hàng Đào", "Hàng Gai", "Hàng Mã", "Lý Thái Tổ",
                      "Tràng Tiền", "Cửa Đông", "Cửa Nam", "Đồng Xuân", "Hàng Bông", "Hàng Trống", "Phan Chu Trinh",
                      "Phúc Tân", "Trần Hưng Đạo", "Chương Dương", "Hàng Bài"],
        "Ba Đình": ["Cống Vị", "Điện Biên", "Đội Cấn", "Giảng Võ", "Kim Mã", "Liễu Giai", "Ngọc Hà", "Ngọc Khánh",
                    "Nguyễn Trung Trực", "Phúc Xá", "Quán Thánh", "Thành Công", "Trúc Bạch", "Vĩnh Phúc"],
        "Đống Đa": ["Cát Linh", "Hàng Bột", "Khâm Thiên", "Khương Thượng", "Kim Liên", "Láng Hạ", "Láng Thượng",
                    "Nam Đồng", "Ngã Tư Sở", "Ô Chợ Dừa", "Phương Liên", "Phương Mai", "Quang Trung", "Quốc Tử Giám",
                    "Thịnh Quang", "Thổ Quan", "Trung Liệt", "Trung Phụng", "Trung Tự", "Văn Chương", "Văn Miếu"],
        "Cầu Giấy": ["Dịch Vọng", "Dịch Vọng Hậu", "Mai Dịch", "Nghĩa Đô", "Nghĩa Tân", "Quan Hoa", "Trung Hòa", "Yên Hòa"],
    ]
    static let placeNames = [
        "Bình Minh", "Hòa Bình", "Thống Nhất", "Tân Lập", "Quang Minh", "Đông Xuân", "Phú Thượng", "Yên Sở",
        "Thanh Lâm", "Kim Chung", "Hồng Hà", "Minh Khai", "Tiền Phong", "Đại Mạch", "Phù Lỗ", "Vân Nội",
        "Liên Hà", "Thụy Lâm", "Đức Giang", "Ngọc Thụy", "Phúc Lợi", "Thạch Bàn", "Sài Đồng", "Việt Hưng",
        "Tam Hiệp", "Vĩnh Quỳnh", "Đại Áng", "Tả Thanh Oai", "Ngũ Hiệp", "Yên Mỹ",
    ]
    static let wardUnits = ["Bộ phận Văn phòng - Thống kê", "Bộ phận Tư pháp - Hộ tịch", "Bộ phận Địa chính - Xây dựng"]
    static let enterprises: [(code: String, name: String)] = [
        ("TCT-VT", "Tổng công ty Vận tải Hà Nội"), ("CT-NS", "Công ty TNHH MTV Nước sạch Hà Nội"),
        ("CT-MTDT", "Công ty TNHH MTV Môi trường đô thị Hà Nội"), ("CT-TN", "Công ty TNHH MTV Thoát nước Hà Nội"),
    ]
    static let enterpriseUnits = ["Văn phòng Công ty", "Phòng Kỹ thuật", "Xí nghiệp số 1", "Xí nghiệp số 2"]

    static let familyNames: [(String, Int)] = [
        ("Nguyễn", 38), ("Trần", 11), ("Lê", 9), ("Phạm", 7), ("Hoàng", 5), ("Vũ", 4), ("Phan", 4),
        ("Đặng", 3), ("Bùi", 3), ("Đỗ", 3), ("Hồ", 2), ("Ngô", 2), ("Dương", 2), ("Lý", 1), ("Đào", 1),
        ("Đinh", 1), ("Trịnh", 1), ("Lương", 1), ("Tạ", 1), ("Kiều", 1),
    ]
    static let maleMiddle = ["Văn", "Đức", "Minh", "Quang", "Hữu", "Xuân", "Thành", "Mạnh", "Tuấn", "Hoàng", "Ngọc", "Trọng"]
    static let femaleMiddle = ["Thị", "Thu", "Thanh", "Ngọc", "Minh", "Phương", "Thúy", "Hồng", "Bích", "Kim", "Diệu"]
    static let maleGiven = [
        "An", "Anh", "Bình", "Cường", "Dũng", "Đạt", "Đức", "Giang", "Hải", "Hiếu", "Hoàng", "Hùng", "Huy",
        "Khánh", "Khoa", "Kiên", "Long", "Minh", "Nam", "Nghĩa", "Phong", "Phúc", "Quân", "Quang", "Sơn",
        "Thắng", "Thành", "Toàn", "Trung", "Tuấn", "Tùng", "Việt", "Vinh",
    ]
    static let femaleGiven = [
        "Anh", "Ánh", "Chi", "Dung", "Giang", "Hà", "Hạnh", "Hằng", "Hoa", "Hồng", "Huyền", "Hương",
        "Lan", "Linh", "Loan", "Mai", "My", "Nga", "Ngọc", "Nhung", "Oanh", "Phương", "Quỳnh", "Thảo",
        "Thủy", "Trang", "Tuyết", "Uyên", "Vân", "Yến",
    ]
    static let positions: [(String, Int)] = [
        ("Chuyên viên", 45), ("Chuyên viên chính", 18), ("Cán sự", 10), ("Văn thư", 5), ("Kế toán", 5),
        ("Nhân viên", 8), ("Thanh tra viên", 4), ("Chuyên viên cao cấp", 2), ("Lưu trữ viên", 3),
    ]
    static let skills: [(String, Int)] = [
        ("classified", 10), ("it", 12), ("legal", 10), ("finance", 10), ("first-aid", 8), ("driver", 6),
        ("english", 10), ("hotline", 8),
    ]
    static let mobilePrefixes = ["090", "091", "093", "094", "096", "097", "098", "086", "088", "032", "033", "035", "037", "039", "081", "083", "085"]
}
