-- Full-text index of products on sale and in draft: title, description, tags and the vendor's name.
-- Its rowid is products.doc_id; triggers keep it in step with every write to products and vendors.
CREATE VIRTUAL TABLE `product_search` USING fts5(title, description, tags, vendor_name, tokenize = 'porter unicode61');
--> statement-breakpoint
CREATE TRIGGER `products_search_insert` AFTER INSERT ON `products` BEGIN
  INSERT INTO product_search (rowid, title, description, tags, vendor_name)
  VALUES (NEW.doc_id, NEW.title, NEW.description, (SELECT group_concat(value, ' ') FROM json_each(NEW.tags)), COALESCE((SELECT name FROM vendors WHERE id = NEW.vendor_id), ''));
END;
--> statement-breakpoint
CREATE TRIGGER `products_search_update` AFTER UPDATE OF title, description, tags ON `products` BEGIN
  DELETE FROM product_search WHERE rowid = OLD.doc_id;
  INSERT INTO product_search (rowid, title, description, tags, vendor_name)
  VALUES (NEW.doc_id, NEW.title, NEW.description, (SELECT group_concat(value, ' ') FROM json_each(NEW.tags)), COALESCE((SELECT name FROM vendors WHERE id = NEW.vendor_id), ''));
END;
--> statement-breakpoint
CREATE TRIGGER `products_search_delete` AFTER DELETE ON `products` BEGIN
  DELETE FROM product_search WHERE rowid = OLD.doc_id;
END;
--> statement-breakpoint
CREATE TRIGGER `vendors_search_insert` AFTER INSERT ON `vendors` BEGIN
  UPDATE product_search SET vendor_name = NEW.name WHERE rowid IN (SELECT doc_id FROM products WHERE vendor_id = NEW.id);
END;
--> statement-breakpoint
CREATE TRIGGER `vendors_search_rename` AFTER UPDATE OF name ON `vendors` BEGIN
  UPDATE product_search SET vendor_name = NEW.name WHERE rowid IN (SELECT doc_id FROM products WHERE vendor_id = NEW.id);
END;
