console.log("journey");
