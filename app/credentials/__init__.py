"""Issued credentials: building, signing (Data Integrity and VC-JOSE), issuing, batches, claims."""
