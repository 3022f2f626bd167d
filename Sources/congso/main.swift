import CongsoServer
print("x")
