"""Certificates rendered for people: a PDF to print and a PNG to share, both carrying
the serial number and a QR code of the public verification URL."""
