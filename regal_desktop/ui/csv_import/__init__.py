"""csv_import"""
